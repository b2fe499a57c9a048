import type { SqlClient } from './sql-client.ts';

/**
 * Lock order inside write transactions (to rule out deadlocks): record locks first, in sorted
 * key order, in one statement; then the clients' replay rows, in sorted order (`readGroup`); last
 * the log-append lock (the `sync_head` row, see `writeVersions`), taken in the final statement and
 * held only until commit.
 *
 * The log-append lock is the row lock of `UPDATE sync_head` (DESIGN §1, R3), held until commit or
 * rollback, with the head advanced in the same transaction, so:
 * - seq order is commit order: a transaction can take seqs only after every earlier holder has
 *   committed (and become visible) or rolled back — under READ COMMITTED the waiting UPDATE then
 *   re-reads the committed head;
 * - a rollback also rolls back the head, so no seq is ever skipped. Readers may still treat any
 *   hole as permanent: once a reader has seen seq n, nothing below n can appear later, so it moves
 *   its cursor to the highest seq read and never waits on a hole.
 */

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
