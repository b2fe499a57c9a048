import { type Fields, isMergeError, jsonEqual, mergeMutation } from '@wedsync/merge';
import type { Mutation, MutationResult } from '@wedsync/protocol';
import type { CommitRequest, CommitResult } from '@wedsync/server';
import { type Cause, stageDerived } from './derived-versions.ts';
import { readGroup } from './group-reads.ts';
import { blockingLockAmong, lockRefusal } from './lock-store.ts';
import { type WorkingRecord, WorkingRecords } from './record-versions.ts';
import type { SqlClient } from './sql-client.ts';
import { isStorableText } from './storable-text.ts';
import type { LockTableRow } from './stored-rows.ts';
import { type StagedVersion, writeVersions } from './version-writer.ts';
import { WithinCommitHooks, writtenVersions } from './within-commit.ts';
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
 * Applies the batches of several requests (several clients, sessions, scopes) in ONE transaction:
 * one set of reads, one log append, one WAL flush (group commit, DESIGN §1, §7). The requests are
 * decided in order, each as if committed alone right after the ones before it (a later request
 * sees an earlier one's versions of a record as committed), so their seqs are contiguous per request
 * and in request order. One result per request, each with one result per mutation:
 * - `mid` ≤ the client's last processed mid → `duplicate`, with the version and seq it got if it
 *   was applied. Every processed mid counts, also a rejected or conflicting one: to retry a
 *   refused change, send it again under a new mid.
 * - Refusals (`UNKNOWN_COLLECTION`, `UNKNOWN_FIELD`, `VALIDATION_FAILED`, `FORBIDDEN` for another
 *   scope, `RECORD_NOT_FOUND` for a deleted record, `FIELD_LOCKED`/`RECORD_LOCKED`) reject that
 *   mutation only; they are decided before anything of it is written.
 * - When every op is a manual conflict → `conflict`, no new version.
 * - A delete of a deleted record is `applied` again with the deleting version.
 * Database errors abort the whole transaction (nothing is acknowledged; the caller may retry the
 * requests one by one, see `CommitQueue`).
 *
 * Records a request's `derive` hook implies are staged after all decided versions and written with
 * them (same transaction; their changes are the request's, after its own). Then the storage's
 * `hooks` (`WithinCommit`) run in the transaction on every written version, with before/after
 * fields from what the transaction decided (no read); their follow-ups run after COMMIT.
 * Round trips: BEGIN, record locks, one read (client rows, records, their locks and history,
 * `readGroup`), one read of derived records' ids (only when some were derived), the append (one
 * statement, `writeVersions`), COMMIT.
 */
export async function commitGroup(
  sql: SqlClient,
  requests: readonly CommitRequest[],
  hooks?: WithinCommitHooks,
): Promise<CommitResult[]> {
  if (requests.every((request) => request.mutations.length === 0)) {
    return requests.map(() => ({ results: [], changes: [] }));
  }
  const committed = await sql.transaction(async (tx) => {
    // Ids with NUL or a lone surrogate cannot be SQL parameters as they are; `decide` refuses them.
    const all = requests.flatMap((request) => request.mutations).filter((mutation) => !hasUnstorableKey(mutation));
    await lockRecords(tx, all);
    const reads = await readGroup(tx, {
      clientIds: requests.filter((request) => request.mutations.length > 0).map((request) => request.clientId),
      keys: all,
      wants: all,
      nowMs: Math.min(...requests.map((request) => request.nowMs)),
    });
    const { lastMids, locks } = reads;
    const records = new WorkingRecords(tx);
    records.adopt(all, reads.records);
    records.adoptHistory(all, reads.history);
    const context: GroupContext = { tx, records, locks, staged: [] };
    const owners: number[] = [];
    /** The fields each staged version's record had before it (undefined: a create), for `hooks`. */
    const befores: (Fields | undefined)[] = [];
    const causes: (Cause & { owner: number })[] = [];
    const pending: (MutationResult | (() => MutationResult))[][] = [];
    for (const [index, request] of requests.entries()) {
      const results: (MutationResult | (() => MutationResult))[] = [];
      pending.push(results);
      let lastMid = lastMids.get(request.clientId) ?? 0;
      for (const mutation of request.mutations) {
        if (mutation.mid <= lastMid) {
          results.push(await duplicateOf(tx, request.clientId, mutation.mid, context.staged));
          continue;
        }
        lastMid = mutation.mid;
        const outcome = await decide(context, request, mutation);
        if ('status' in outcome) {
          results.push(outcome);
        } else if ('version' in outcome) {
          const { version, conflicts } = outcome;
          const before = outcome.record.scope === undefined ? undefined : outcome.record.fields;
          if (request.derive) {
            causes.push({ version, before, derive: request.derive, schemas: request.schemas, owner: index });
          }
          records.stage(outcome.record, version);
          context.staged.push(version);
          befores.push(before);
          owners.push(index);
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
      if (request.mutations.length > 0) lastMids.set(request.clientId, lastMid);
    }
    for (const derived of await stageDerived(records, causes)) {
      context.staged.push(derived.version);
      befores.push(undefined);
      owners.push(causes[derived.cause]!.owner);
    }
    const marks = [...lastMids].map(([clientId, lastMid]) => ({ clientId, lastMid }));
    const changes = await writeVersions(tx, context.staged, marks);
    const afters = () => context.staged.map((version) => version.fields);
    const followUps = hooks?.active ? await hooks.run(tx, writtenVersions(changes, befores, afters())) : [];
    const results = requests.map((_, index) => ({
      results: pending[index]!.map((result) => (typeof result === 'function' ? result() : result)),
      changes: changes.filter((_, position) => owners[position] === index),
    }));
    return { results, followUps };
  });
  WithinCommitHooks.afterCommit(committed.followUps);
  return committed.results;
}

/** What the mutations of one group transaction share. */
interface GroupContext {
  tx: SqlClient;
  records: WorkingRecords;
  /** Live locks on every record of the group, read once after the record locks. */
  locks: readonly LockTableRow[];
  /** Versions decided so far, in seq order. */
  staged: StagedVersion[];
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

async function decide(context: GroupContext, request: CommitRequest, mutation: Mutation): Promise<Decision> {
  const { records } = context;
  const { mid } = mutation;
  const collection = request.schemas.collection(mutation.c);
  if (!collection) return reject(mid, 'UNKNOWN_COLLECTION', `No collection "${mutation.c}"`);
  if (hasUnstorableText(mutation)) {
    return reject(
      mid,
      'VALIDATION_FAILED',
      'Ids and values may not contain the NUL character (\\u0000) or a lone UTF-16 surrogate (\\ud800–\\udfff)',
    );
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
  const blocking = blockingLockAmong(
    context.locks,
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

/** Keys PostgreSQL would refuse (NUL) or silently alter (a lone surrogate becomes U+FFFD in UTF-8). */
function hasUnstorableKey(mutation: Mutation): boolean {
  return !isStorableText(mutation.c) || !isStorableText(mutation.id);
}

function hasUnstorableText(mutation: Mutation): boolean {
  return !isStorableText(mutation.c) || !isStorableText(mutation.id) || !isStorableText(mutation.ops);
}
