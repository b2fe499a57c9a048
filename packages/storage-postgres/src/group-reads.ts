import type { SqlClient } from './sql-client.ts';
import {
  HISTORY_COLUMNS,
  type HistoryRow,
  LOCK_COLUMNS,
  type LockTableRow,
  RECORD_COLUMNS,
  type RecordRow,
} from './stored-rows.ts';

/** Everything a group transaction reads before deciding, read by `readGroup`. */
export interface GroupReads {
  /** Each client's last processed mid (its replay row now locked for the transaction). */
  lastMids: Map<string, number>;
  records: RecordRow[];
  /** Locks on the records live at `nowMs` (any holder). */
  locks: LockTableRow[];
  /** For `WorkingRecords.adoptHistory`. */
  history: HistoryRow[];
}

const qualified = (alias: string, columns: string) =>
  columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');

/**
 * One statement (one round trip) after the record locks are held (write-lock.ts):
 * - locks the replay rows of `clientIds` in sorted order (creating missing ones at 0) and returns
 *   their last mids: rows that exist are locked by `FOR UPDATE`, new ones by their insert. A row
 *   another transaction inserted after this statement's snapshot is in neither; a second statement
 *   locks it;
 * - reads the records of `keys` (as of after their locks, so current) and their live locks;
 * - reads ahead the history each `(record, base)` of `wants` with `base` below the stored version
 *   will merge against: every version from the lowest such base up to the stored one, with full
 *   fields only of the bases (a long offline gap may span many versions).
 * Keys and bases must be valid parameters: no NUL in ids, integer bases.
 */
export async function readGroup(
  tx: SqlClient,
  input: {
    clientIds: readonly string[];
    keys: readonly { c: string; id: string }[];
    wants: readonly { c: string; id: string; base: number }[];
    nowMs: number;
  },
): Promise<GroupReads> {
  const clientIds = [...new Set(input.clientIds)].sort();
  const wants = input.wants.filter((want) => Number.isInteger(want.base) && want.base >= 0);
  const [row] = await tx.query<{
    clients: { client_id: string; last_mid: unknown }[];
    records: RecordRow[];
    locks: LockTableRow[];
    history: HistoryRow[];
  }>(
    `WITH created AS (
       INSERT INTO sync_client_mutations (client_id, last_mid)
       SELECT client_id, 0 FROM unnest($1::text[]) AS u(client_id) ORDER BY client_id
       ON CONFLICT (client_id) DO NOTHING
       RETURNING client_id, last_mid
     ), existing AS (
       SELECT client_id, last_mid FROM sync_client_mutations
        WHERE client_id = ANY($1::text[]) ORDER BY client_id FOR UPDATE
     ), keys AS (
       SELECT DISTINCT c, id FROM unnest($2::text[], $3::text[]) AS k(c, id)
     ), want AS (
       SELECT * FROM unnest($5::text[], $6::text[], $7::integer[]) AS w(c, id, base)
     ), ranges AS (
       SELECT w.c, w.id, min(w.base) AS lo, min(r.v) AS hi
         FROM want w JOIN sync_records r ON r.c = w.c AND r.id = w.id
        WHERE w.base < r.v GROUP BY w.c, w.id
     )
     SELECT
       (SELECT coalesce(json_agg(x), '[]'::json)
          FROM (SELECT * FROM existing UNION ALL SELECT * FROM created) AS x) AS clients,
       (SELECT coalesce(json_agg(x), '[]'::json)
          FROM (SELECT ${qualified('r', RECORD_COLUMNS)} FROM sync_records r JOIN keys k ON r.c = k.c AND r.id = k.id) AS x
       ) AS records,
       (SELECT coalesce(json_agg(x), '[]'::json)
          FROM (SELECT ${qualified('l', LOCK_COLUMNS)} FROM sync_locks l JOIN keys k ON l.c = k.c AND l.id = k.id
                 WHERE l.expires_at_ms > $4) AS x
       ) AS locks,
       (SELECT coalesce(json_agg(x), '[]'::json)
          FROM (SELECT ${HISTORY_COLUMNS.split(', ')
            .map((column) =>
              column === 'fields'
                ? `CASE WHEN EXISTS (SELECT 1 FROM want b WHERE b.c = h.c AND b.id = h.id AND b.base = h.v)
                     THEN h.fields ELSE '{}'::jsonb END AS fields`
                : `h.${column}`,
            )
            .join(', ')}
                  FROM ranges g JOIN sync_history h ON h.c = g.c AND h.id = g.id AND h.v >= g.lo AND h.v <= g.hi) AS x
       ) AS history`,
    [
      clientIds,
      input.keys.map((key) => key.c),
      input.keys.map((key) => key.id),
      input.nowMs,
      wants.map((want) => want.c),
      wants.map((want) => want.id),
      wants.map((want) => want.base),
    ],
  );
  const lastMids = new Map<string, number>();
  for (const client of row?.clients ?? []) lastMids.set(client.client_id, Number(client.last_mid));
  const missed = clientIds.filter((id) => !lastMids.has(id));
  if (missed.length > 0) {
    const late = await tx.query<{ client_id: string; last_mid: unknown }>(
      'SELECT client_id, last_mid FROM sync_client_mutations WHERE client_id = ANY($1::text[]) ORDER BY client_id FOR UPDATE',
      [missed],
    );
    for (const client of late) lastMids.set(client.client_id, Number(client.last_mid));
  }
  return { lastMids, records: row?.records ?? [], locks: row?.locks ?? [], history: row?.history ?? [] };
}
