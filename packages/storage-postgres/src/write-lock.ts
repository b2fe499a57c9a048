import type { SqlClient } from './sql-client.ts';

/**
 * Lock order inside write transactions (to rule out deadlocks): record locks first, in sorted
 * key order, in one statement; then the clients' replay rows, in sorted order; last the log-append
 * lock (the `sync_head` row, see `writeVersions`), taken in the final statement and held only until
 * commit.
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

/**
 * Locks the replay rows of `clientIds` (creating missing ones at 0) for the transaction, in sorted
 * order, and returns each client's last processed mid. One statement in the common case: rows that
 * exist are locked by `FOR UPDATE`, new ones by their insert. A row another transaction inserted
 * after this statement's snapshot is in neither; it is locked by a second read.
 */
export async function lockClients(tx: SqlClient, clientIds: readonly string[]): Promise<Map<string, number>> {
  const ids = [...new Set(clientIds)].sort();
  const lastMids = new Map<string, number>();
  if (ids.length === 0) return lastMids;
  const rows = await tx.query<{ client_id: string; last_mid: unknown }>(
    `WITH created AS (
       INSERT INTO sync_client_mutations (client_id, last_mid)
       SELECT client_id, 0 FROM unnest($1::text[]) AS u(client_id) ORDER BY client_id
       ON CONFLICT (client_id) DO NOTHING
       RETURNING client_id, last_mid
     ), existing AS (
       SELECT client_id, last_mid FROM sync_client_mutations
        WHERE client_id = ANY($1::text[]) ORDER BY client_id FOR UPDATE
     )
     SELECT client_id, last_mid FROM existing UNION ALL SELECT client_id, last_mid FROM created`,
    [ids],
  );
  for (const row of rows) lastMids.set(row.client_id, Number(row.last_mid));
  const missed = ids.filter((id) => !lastMids.has(id));
  if (missed.length > 0) {
    const late = await tx.query<{ client_id: string; last_mid: unknown }>(
      'SELECT client_id, last_mid FROM sync_client_mutations WHERE client_id = ANY($1::text[]) ORDER BY client_id FOR UPDATE',
      [missed],
    );
    for (const row of late) lastMids.set(row.client_id, Number(row.last_mid));
  }
  return lastMids;
}
