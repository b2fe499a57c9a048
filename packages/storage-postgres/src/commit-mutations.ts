import { isMergeError, jsonEqual, mergeMutation } from '@wedsync/merge';
import type { Mutation, MutationResult } from '@wedsync/protocol';
import type { CommitRequest, CommitResult } from '../../server/src/storage/storage.ts';
import { findBlockingLock, lockRefusal } from './lock-store.ts';
import { type WorkingRecord, WorkingRecords } from './record-versions.ts';
import type { SqlClient } from './sql-client.ts';
import { type StagedVersion, writeVersions } from './version-writer.ts';
import { lockRecords } from './write-lock.ts';

type Rejection = Extract<MutationResult, { status: 'rejected' }>;

const reject = (mid: number, code: string, message: string, details?: Record<string, unknown>): Rejection => ({
  mid,
  status: 'rejected',
  code,
  message,
  ...(details ? { details } : {}),
});

/**
 * Applies a batch of mutations in one transaction (group commit, DESIGN §1, §7) with one result per
 * mutation (R11.2):
 * - `mid` ≤ the client's last processed mid → `duplicate`, with the version and seq it got if it
 *   was applied. Every processed mid counts, also a rejected or conflicting one: to retry a
 *   refused change, send it again under a new mid.
 * - Refusals (`UNKNOWN_COLLECTION`, `UNKNOWN_FIELD`, `VALIDATION_FAILED`, `FORBIDDEN` for another
 *   scope, `RECORD_NOT_FOUND` for a deleted record, `FIELD_LOCKED`/`RECORD_LOCKED`) reject that
 *   mutation only; they are decided before anything of it is written.
 * - When every op is a manual conflict → `conflict`, no new version.
 * - A delete of a deleted record is `applied` again with the deleting version.
 * Database errors abort the whole batch (nothing is acknowledged; the client resends).
 */
export function commitMutations(sql: SqlClient, request: CommitRequest): Promise<CommitResult> {
  if (request.mutations.length === 0) return Promise.resolve({ results: [], changes: [] });
  return sql.transaction(async (tx) => {
    await lockRecords(tx, request.mutations);
    let lastMid = await lockClient(tx, request.clientId);
    const records = new WorkingRecords(tx);
    const staged: StagedVersion[] = [];
    const results: (MutationResult | (() => MutationResult))[] = [];
    for (const mutation of request.mutations) {
      if (mutation.mid <= lastMid) {
        results.push(await duplicateOf(tx, request.clientId, mutation.mid, staged));
        continue;
      }
      lastMid = mutation.mid;
      const outcome = await decide(tx, request, mutation, records);
      if ('status' in outcome) {
        results.push(outcome);
      } else if ('version' in outcome) {
        const { version, conflicts } = outcome;
        records.stage(outcome.record, version);
        staged.push(version);
        results.push(() => ({
          mid: mutation.mid,
          status: 'applied',
          v: version.v,
          seq: version.seq!,
          ...(conflicts.length > 0 ? { conflicts } : {}),
        }));
      } else {
        results.push(outcome.resolve);
      }
    }
    const changes = await writeVersions(tx, staged);
    await tx.query('UPDATE sync_client_mutations SET last_mid = $2 WHERE client_id = $1', [request.clientId, lastMid]);
    return { results: results.map((result) => (typeof result === 'function' ? result() : result)), changes };
  });
}

/** Locks the client's replay row (created at 0) for the transaction and returns its last mid. */
async function lockClient(tx: SqlClient, clientId: string): Promise<number> {
  await tx.query(
    'INSERT INTO sync_client_mutations (client_id, last_mid) VALUES ($1, 0) ON CONFLICT (client_id) DO NOTHING',
    [clientId],
  );
  const rows = await tx.query<{ last_mid: unknown }>(
    'SELECT last_mid FROM sync_client_mutations WHERE client_id = $1 FOR UPDATE',
    [clientId],
  );
  return Number(rows[0]?.last_mid ?? 0);
}

async function duplicateOf(
  tx: SqlClient,
  clientId: string,
  mid: number,
  staged: readonly StagedVersion[],
): Promise<MutationResult | (() => MutationResult)> {
  const inBatch = staged.find((version) => version.cid === clientId && version.mid === mid);
  if (inBatch) return () => ({ mid, status: 'duplicate', v: inBatch.v, seq: inBatch.seq! });
  const rows = await tx.query<{ v: number; seq: unknown }>(
    'SELECT v, seq FROM sync_history WHERE cid = $1 AND mid = $2 LIMIT 1',
    [clientId, mid],
  );
  const row = rows[0];
  return row ? { mid, status: 'duplicate', v: row.v, seq: Number(row.seq) } : { mid, status: 'duplicate' };
}

type Decision =
  | MutationResult
  | {
      record: WorkingRecord;
      version: StagedVersion;
      conflicts: NonNullable<Extract<MutationResult, { status: 'conflict' }>['conflicts']>;
    }
  | { resolve: () => MutationResult };

async function decide(
  tx: SqlClient,
  request: CommitRequest,
  mutation: Mutation,
  records: WorkingRecords,
): Promise<Decision> {
  const { mid } = mutation;
  const collection = request.schemas.collection(mutation.c);
  if (!collection) return reject(mid, 'UNKNOWN_COLLECTION', `No collection "${mutation.c}"`);
  if (hasNul(mutation)) {
    return reject(mid, 'VALIDATION_FAILED', 'Ids and values may not contain the NUL character (\\u0000)');
  }
  const record = await records.get(mutation.c, mutation.id);
  if (record.scope !== undefined && record.scope !== request.scope) {
    return reject(mid, 'FORBIDDEN', `Record ${mutation.c}/${mutation.id} belongs to another scope`);
  }
  if (record.del || (record.scope === undefined && mutation.del)) {
    if (record.del && mutation.del) return deletedAlready(mid, record);
    return reject(mid, 'RECORD_NOT_FOUND', `Record ${mutation.c}/${mutation.id} was deleted`);
  }
  const fields = mutation.del ? 'all' : [...new Set(mutation.ops.map((op) => op.f))];
  const blocking = await findBlockingLock(
    tx,
    { c: mutation.c, id: mutation.id, fields },
    request.actor.userId,
    request.nowMs,
  );
  if (blocking) {
    const refusal = lockRefusal(blocking);
    return reject(mid, refusal.code, refusal.message, refusal.details);
  }
  if (mutation.base > record.v) {
    return reject(mid, 'VALIDATION_FAILED', `Base version ${mutation.base} is newer than the record (${record.v})`);
  }
  const { baseFields, committed } = await records.since(record, mutation.base);
  let merged: ReturnType<typeof mergeMutation>;
  try {
    merged = mergeMutation({
      collection,
      currentFields: record.fields,
      currentVersion: record.v,
      baseVersion: mutation.base,
      baseFields,
      ops: mutation.ops,
      committedSince: committed,
      clientId: request.clientId,
      mid,
    });
  } catch (error) {
    if (isMergeError(error)) return reject(mid, error.code, error.message, error.details);
    throw error;
  }
  if (merged.ops.length === 0 && merged.conflicts.length > 0 && !mutation.del) {
    return { mid, status: 'conflict', v: record.v, conflicts: merged.conflicts };
  }
  const version: StagedVersion = {
    scope: request.scope,
    c: mutation.c,
    id: mutation.id,
    v: record.v + 1,
    ops: merged.ops,
    fields: merged.fields,
    del: mutation.del === true,
    by: request.actor.userId,
    atMs: request.nowMs,
    cid: request.clientId,
    mid,
    base: mutation.base,
    ...(jsonEqual(merged.ops, mutation.ops) ? {} : { submitted: mutation.ops }),
  };
  return { record, version, conflicts: merged.conflicts };
}

function deletedAlready(mid: number, record: WorkingRecord): Decision {
  const deleting = record.staged.at(-1);
  if (deleting) return { resolve: () => ({ mid, status: 'applied', v: deleting.v, seq: deleting.seq! }) };
  return { mid, status: 'applied', v: record.v, seq: record.storedSeq };
}

function hasNul(mutation: Mutation): boolean {
  return (
    mutation.c.includes('\u0000') || mutation.id.includes('\u0000') || JSON.stringify(mutation.ops).includes('\\u0000')
  );
}
