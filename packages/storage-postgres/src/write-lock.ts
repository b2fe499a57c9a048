import type { SqlClient } from './sql-client.ts';

/**
 * Lock order inside write transactions (to rule out deadlocks): record locks first, in sorted
 * key order, in one statement; then the client's replay row; last the log-append lock, held only
 * for the final inserts until commit.
 */

/**
 * Key of the transaction-scoped advisory lock around the log append (DESIGN §1). The single-bigint
 * key space is distinct from the two-int4 key space used for record locks.
 */
export const LOG_APPEND_LOCK_KEY = 0x5753_4c4f_47; // "WSLOG"

/**
 * Serialises writers of the same records for the rest of the transaction: a transaction-scoped
 * advisory lock per `(hashtext(c), hashtext(id))`, taken in sorted order. A hash collision only
 * serialises two unrelated records. Using advisory locks (not `FOR UPDATE`) also covers records
 * that do not exist yet, so two creators of one record cannot both insert version 1.
 */
export async function lockRecords(tx: SqlClient, keys: readonly { c: string; id: string }[]): Promise<void> {
  const unique = new Map(keys.map((key) => [`${key.c}\u0000${key.id}`, key]));
  if (unique.size === 0) return;
  const list = [...unique.values()];
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtext(k.c), hashtext(k.id))
       FROM (SELECT c, id FROM unnest($1::text[], $2::text[]) AS u(c, id) ORDER BY c, id) AS k`,
    [list.map((key) => key.c), list.map((key) => key.id)],
  );
}

/**
 * Takes `count` consecutive seqs for the calling transaction (DESIGN §1, R3). The advisory lock is
 * held until commit or rollback, and the head row is advanced in the same transaction, so:
 * - seq order is commit order: a transaction can take seqs only after every earlier holder has
 *   committed (and become visible) or rolled back;
 * - a rollback also rolls back the head, so no seq is ever skipped. Readers may still treat any
 *   hole as permanent: once a reader has seen seq n, nothing below n can appear later, so it moves
 *   its cursor to the highest seq read and never waits on a hole.
 * Returns the first seq of the range.
 */
export async function allocateSeqs(tx: SqlClient, count: number): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [LOG_APPEND_LOCK_KEY]);
  const rows = await tx.query<{ seq: unknown }>('UPDATE sync_head SET seq = seq + $1 WHERE id = 1 RETURNING seq', [
    count,
  ]);
  const last = Number(rows[0]?.seq);
  if (!Number.isFinite(last)) throw new Error('sync_head is missing: run the storage migrations');
  return last - count + 1;
}
