import type { Fields } from '@wedsync/merge';
import type { StoredChange } from '@wedsync/server';
import type { SqlClient } from './sql-client.ts';

/** A version written by the transaction about to commit, with its record's fields around it. */
export interface WrittenVersion {
  /** Its log entry (seq known). */
  change: StoredChange;
  /** The record's fields (by field id) before this version; undefined when it creates the record. */
  before: Fields | undefined;
  /**
   * The fields after it, text fields as full strings; for a delete, the fields the record had, so
   * a hook can say what was deleted.
   */
  after: Fields;
}

/**
 * SQL run INSIDE the transaction that writes versions (commits, group commits, rollbacks), after they
 * are written and before COMMIT: rows it writes with `tx` commit with the versions or not at all. A
 * hook that throws (or a statement it runs that fails) rolls the whole transaction back — for a group
 * commit the `CommitQueue` then retries its requests one by one, so only the culprit fails. It may
 * return a function run once the transaction has committed (e.g. to wake a worker); a throw there is
 * swallowed, as the data is committed already. An adapter option the application composes; the
 * engine's `Storage` seam stays generic.
 */
export type WithinCommit = (tx: SqlClient, written: readonly WrittenVersion[]) => Promise<(() => void) | undefined>;

/** The hooks added to one storage, run in the order added. */
export class WithinCommitHooks {
  private readonly hooks = new Set<WithinCommit>();

  add(hook: WithinCommit): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /**
   * `sql` whose `transaction` runs the hooks on the changes `changesOf` finds in the transaction's
   * result, before it commits. Without hooks it is `sql`'s own transaction (no extra round trip);
   * with hooks, one read of the written versions' fields from `sync_history`.
   */
  around<R>(sql: SqlClient, changesOf: (result: R) => readonly StoredChange[]): SqlClient {
    const transaction = async <T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> => {
      if (this.hooks.size === 0) return sql.transaction(fn);
      const afterCommit: (() => void)[] = [];
      const result = await sql.transaction(async (tx) => {
        const value = await fn(tx);
        const changes = changesOf(value as unknown as R);
        if (changes.length === 0) return value;
        const written = await readWritten(tx, changes);
        for (const hook of [...this.hooks]) {
          const done = await hook(tx, written);
          if (done) afterCommit.push(done);
        }
        return value;
      });
      for (const done of afterCommit) {
        try {
          done();
        } catch {
          // Committed already; the hook's follow-up is best effort by contract.
        }
      }
      return result;
    };
    return {
      query: (text, params) => sql.query(text, params),
      exec: (script) => sql.exec(script),
      transaction,
      close: () => sql.close(),
    };
  }
}

/** Each change's fields after it and before it, in one read of the history this transaction wrote. */
async function readWritten(tx: SqlClient, changes: readonly StoredChange[]): Promise<WrittenVersion[]> {
  const rows = await tx.query<{ c: string; id: string; v: number; fields: Fields; del: boolean }>(
    `SELECT h.c, h.id, h.v, h.fields, h.del
       FROM unnest($1::text[], $2::text[], $3::int[]) AS k(c, id, v)
       JOIN sync_history h ON h.c = k.c AND h.id = k.id AND (h.v = k.v OR h.v = k.v - 1)`,
    [changes.map((change) => change.c), changes.map((change) => change.id), changes.map((change) => change.v)],
  );
  const byKey = new Map(rows.map((row) => [`${row.c}\u0000${row.id}\u0000${Number(row.v)}`, row]));
  return changes.map((change) => {
    const row = (v: number) => byKey.get(`${change.c}\u0000${change.id}\u0000${v}`);
    const previous = row(change.v - 1);
    const before = previous && !previous.del ? previous.fields : undefined;
    const own = row(change.v)?.fields ?? {};
    return { change, before, after: change.del ? (before ?? own) : own };
  });
}
