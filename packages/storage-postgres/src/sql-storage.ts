import type { Storage, StoredChange, StoredRecord } from '@wedsync/server';
import { commitGroup } from './commit-group.ts';
import { CommitQueue } from './commit-queue.ts';
import { readHistory, rollbackRecord } from './history-store.ts';
import { createLockStore } from './lock-store.ts';
import { type MigrationSet, runMigrations, STORAGE_MIGRATIONS } from './migrations.ts';
import type { SqlClient } from './sql-client.ts';
import {
  LOG_COLUMNS,
  type LogRow,
  num,
  RECORD_COLUMNS,
  type RecordRow,
  toStoredChange,
  toStoredRecord,
} from './stored-rows.ts';
import { type WithinCommit, WithinCommitHooks } from './within-commit.ts';

/** Storage plus its SQL client, so the app can keep its own tables in the same database. */
export interface SqlStorage extends Storage {
  readonly sql: SqlClient;
  /**
   * Runs `hook` inside every transaction that writes versions (commits and rollbacks), before it
   * commits (see `WithinCommit`); returns the function that removes it. For the application's rows
   * that must commit with their cause (e.g. notifications, issue 7).
   */
  addWithinCommit(hook: WithinCommit): () => void;
}

export interface SqlStorageOptions {
  /** Further migration sets, applied after this package's, in order (e.g. the app's tables). */
  migrations?: readonly MigrationSet[];
  /**
   * Group commit (DESIGN §7): how many group transactions may be in flight at once (default 1; a
   * single-connection client gains nothing from more). Commits arriving meanwhile wait and then go
   * together in one transaction.
   */
  commitConcurrency?: number;
  /** A group transaction holds at most this many mutations (default 1 000; one larger request goes alone). */
  maxGroupMutations?: number;
}

/** The Storage seam (DESIGN §1, §5) over any `SqlClient`: PostgreSQL or PGlite, same SQL. */
export function createSqlStorage(sql: SqlClient, options: SqlStorageOptions = {}): SqlStorage {
  const locks = createLockStore(sql);
  const withinCommit = new WithinCommitHooks();
  const commits = new CommitQueue((requests) => commitGroup(sql, requests, withinCommit), {
    concurrency: Math.max(1, Math.floor(options.commitConcurrency ?? 1)),
    maxGroupMutations: options.maxGroupMutations ?? 1_000,
  });
  let closed = false;
  return {
    sql,
    ...locks,
    addWithinCommit: (hook) => withinCommit.add(hook),

    async migrate() {
      await runMigrations(sql, [STORAGE_MIGRATIONS, ...(options.migrations ?? [])]);
    },

    /** Concurrent commits are grouped into one transaction each (`CommitQueue`). */
    commit: (request) => commits.commit(request),

    /**
     * Readers: the log is commit-ordered (see write-lock.ts), so a read returns a prefix of what
     * will ever exist after `afterSeq`; move the cursor to the last seq returned, never wait on a hole.
     */
    async changesSince(scopes, afterSeq, limit): Promise<StoredChange[]> {
      if (scopes.length === 0 || limit <= 0) return [];
      const rows = await sql.query<LogRow>(
        `SELECT ${LOG_COLUMNS} FROM sync_log WHERE seq > $1 AND scope = ANY($2::text[]) ORDER BY seq LIMIT $3`,
        [afterSeq, [...scopes], Math.floor(limit)],
      );
      return rows.map(toStoredChange);
    },

    async headSeq() {
      const rows = await sql.query<{ seq: unknown }>('SELECT seq FROM sync_head WHERE id = 1');
      return num(rows[0]?.seq ?? 0);
    },

    async oldestRetainedSeq() {
      const rows = await sql.query<{ pruned_through: unknown }>('SELECT pruned_through FROM sync_head WHERE id = 1');
      return num(rows[0]?.pruned_through ?? 0) + 1;
    },

    /**
     * Deletes the longest prefix of the log (by seq) whose entries are all older than `olderThanMs`,
     * so `oldestRetainedSeq` stays exact even when clocks of nodes differ. History is kept.
     */
    async pruneLog(olderThanMs) {
      return sql.transaction(async (tx) => {
        const [bound] = await tx.query<{ through: unknown }>(
          `SELECT COALESCE((SELECT min(seq) - 1 FROM sync_log WHERE at_ms >= $1), (SELECT seq FROM sync_head WHERE id = 1))
             AS through`,
          [olderThanMs],
        );
        const through = num(bound?.through ?? 0);
        const deleted = await tx.query('DELETE FROM sync_log WHERE seq <= $1 RETURNING seq', [through]);
        await tx.query('UPDATE sync_head SET pruned_through = GREATEST(pruned_through, $1) WHERE id = 1', [through]);
        return deleted.length;
      });
    },

    /** One statement, so the records and the seq come from one consistent view. */
    async snapshot(scopes) {
      const rows = await sql.query<RecordRow & { head: unknown }>(
        `SELECT h.seq AS head, ${RECORD_COLUMNS.split(', ')
          .map((column) => `r.${column}`)
          .join(', ')}
           FROM sync_head h LEFT JOIN sync_records r ON r.scope = ANY($1::text[])
          WHERE h.id = 1 ORDER BY r.c, r.id`,
        [[...scopes]],
      );
      const records: StoredRecord[] = rows.filter((row) => row.c !== null).map(toStoredRecord);
      return { seq: num(rows[0]?.head ?? 0), records };
    },

    async getRecord(c, id) {
      const rows = await sql.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM sync_records WHERE c = $1 AND id = $2`, [
        c,
        id,
      ]);
      return rows[0] ? toStoredRecord(rows[0]) : undefined;
    },

    async lastMutationId(clientId) {
      const rows = await sql.query<{ last_mid: unknown }>(
        'SELECT last_mid FROM sync_client_mutations WHERE client_id = $1',
        [clientId],
      );
      return num(rows[0]?.last_mid ?? 0);
    },

    history: (c, id, historyOptions) => readHistory(sql, c, id, historyOptions),

    rollback: (request) => rollbackRecord(sql, request, withinCommit),

    async close() {
      if (closed) return;
      closed = true;
      await sql.close();
    },
  };
}
