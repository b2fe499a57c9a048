import { applyOps, diffFields, isMergeError } from '@wedsync/merge';
import type { HistoryEntry } from '@wedsync/protocol';
import type { RollbackRequest, StoredChange } from '@wedsync/server';
import { stageDerived } from './derived-versions.ts';
import { findBlockingLock, lockRefusal } from './lock-store.ts';
import { WorkingRecords } from './record-versions.ts';
import type { SqlClient } from './sql-client.ts';
import { type HistoryRow, toHistoryEntry } from './stored-rows.ts';
import { type StagedVersion, writeVersions } from './version-writer.ts';
import { WithinCommitHooks, writtenVersions } from './within-commit.ts';
import { lockRecords } from './write-lock.ts';

const DEFAULT_HISTORY_LIMIT = 50;
const MAX_HISTORY_LIMIT = 500;

export type RollbackOutcome =
  | { change: StoredChange; derived: StoredChange[] }
  | { error: { code: string; message: string; details?: Record<string, unknown> } };

/** Version history of a record, newest first (R4.2): `limit` (default 50, max 500) versions older than `before`. */
export async function readHistory(
  sql: SqlClient,
  c: string,
  id: string,
  options: { limit?: number; before?: number } = {},
): Promise<HistoryEntry[]> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_HISTORY_LIMIT)), MAX_HISTORY_LIMIT);
  const rows = await sql.query<HistoryRow>(
    `SELECT c, id, v, seq, by, at_ms, ops, fields, del, rollback_of, cid, mid, base, submitted FROM sync_history
      WHERE c = $1 AND id = $2 AND ($3::integer IS NULL OR v < $3) ORDER BY v DESC LIMIT $4`,
    [c, id, options.before ?? null, limit],
  );
  return rows.map(toHistoryEntry);
}

/**
 * Rolls a record back to version `toVersion` (R4.2) by writing a new version, audited like any other:
 * its fields equal that version's (fields the schema does not know are left as they are), its ops
 * are the sets / text ops / list ops that turn the current fields into them, its history row says
 * `rollbackOf` and who did it. Refused with `RECORD_NOT_FOUND`, `FORBIDDEN` (another scope),
 * `VERSION_NOT_FOUND`, `UNKNOWN_COLLECTION`, or `FIELD_LOCKED` / `RECORD_LOCKED` when another user
 * holds a lock on a field it changes.
 */
export async function rollbackRecord(
  sql: SqlClient,
  request: RollbackRequest,
  hooks?: WithinCommitHooks,
): Promise<RollbackOutcome> {
  let followUps: (() => void)[] = [];
  const outcome = await sql.transaction(async (tx): Promise<RollbackOutcome> => {
    const fail = (code: string, message: string, details?: Record<string, unknown>): RollbackOutcome => ({
      error: { code, message, ...(details ? { details } : {}) },
    });
    const collection = request.schemas.collection(request.c);
    if (!collection) return fail('UNKNOWN_COLLECTION', `No collection "${request.c}"`);
    await lockRecords(tx, [request]);
    const records = new WorkingRecords(tx);
    const record = await records.get(request.c, request.id);
    if (record.scope === undefined) return fail('RECORD_NOT_FOUND', `No record ${request.c}/${request.id}`);
    if (record.scope !== request.scope) {
      return fail('FORBIDDEN', `Record ${request.c}/${request.id} belongs to another scope`);
    }
    const target = Number.isInteger(request.toVersion) ? await records.fieldsAt(record, request.toVersion) : undefined;
    if (!target) {
      return fail('VERSION_NOT_FOUND', `Record ${request.c}/${request.id} has no version ${request.toVersion}`);
    }
    let ops: ReturnType<typeof diffFields>;
    let fields: ReturnType<typeof applyOps>;
    try {
      ops = diffFields(collection, record.fields, target.fields);
      fields = applyOps(collection, record.fields, ops);
    } catch (error) {
      if (isMergeError(error)) return fail(error.code, error.message, error.details);
      throw error;
    }
    const changed = [...new Set(ops.map((op) => op.f))];
    const writesAll = target.del !== record.del;
    if (changed.length > 0 || writesAll) {
      const blocking = await findBlockingLock(
        tx,
        { c: request.c, id: request.id, fields: writesAll ? 'all' : changed },
        request.actor.userId,
        request.nowMs,
      );
      if (blocking) {
        const refusal = lockRefusal(blocking);
        return fail(refusal.code, refusal.message, refusal.details);
      }
    }
    const version: StagedVersion = {
      scope: record.scope,
      c: request.c,
      id: request.id,
      v: record.v + 1,
      ops,
      fields,
      del: target.del,
      by: request.actor.userId,
      atMs: request.nowMs,
      ...(request.clientId !== undefined ? { cid: request.clientId } : {}),
      rollbackOf: request.toVersion,
    };
    // A rollback that restores a deleted record is, for what it implies, its creation again.
    const before = record.del ? undefined : record.fields;
    records.stage(record, version);
    const derived = request.derive
      ? await stageDerived(records, [{ version, before, derive: request.derive, schemas: request.schemas }])
      : [];
    const staged = [version, ...derived.map((entry) => entry.version)];
    const changes = await writeVersions(tx, staged);
    if (hooks?.active) {
      const befores = staged.map((_, index) => (index === 0 ? before : undefined));
      followUps = await hooks.run(
        tx,
        writtenVersions(
          changes,
          befores,
          staged.map((entry) => entry.fields),
        ),
      );
    }
    const [change, ...derivedChanges] = changes;
    return { change: change!, derived: derivedChanges };
  });
  WithinCommitHooks.afterCommit(followUps);
  return outcome;
}
