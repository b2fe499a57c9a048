import type { Fields } from '@wedsync/merge';
import type { FieldOp } from '@wedsync/protocol';
import type { StoredChange } from '@wedsync/server';
import { jsonParam, type SqlClient } from './sql-client.ts';
import { HISTORY_COLUMNS, iso, LOG_COLUMNS } from './stored-rows.ts';

/** A new record version decided inside a write transaction, written with its seq by `writeVersions`. */
export interface StagedVersion {
  scope: string;
  c: string;
  id: string;
  v: number;
  ops: FieldOp[];
  fields: Fields;
  del: boolean;
  by: string;
  atMs: number;
  cid?: string;
  mid?: number;
  base?: number;
  submitted?: FieldOp[];
  rollbackOf?: number;
  /** Set by `writeVersions`. */
  seq?: number;
}

/** A client's last processed mid after this transaction (`sync_client_mutations`, R11.2). */
export interface ClientMark {
  clientId: string;
  lastMid: number;
}

/**
 * Advances the clients' last mids, gives the staged versions consecutive seqs in order and writes
 * them, all in ONE statement (group commit, DESIGN §1, §7): the log-append lock (the `sync_head`
 * row, see write-lock.ts) is taken by that statement and held only through it and the COMMIT, so
 * the global lock costs two round trips per transaction, whatever the number of versions. Writes
 * history rows, log rows and the final state of each record. Returns the log entries, in seq order.
 */
export async function writeVersions(
  tx: SqlClient,
  staged: StagedVersion[],
  clients: readonly ClientMark[] = [],
): Promise<StoredChange[]> {
  const clientIds = clients.map((mark) => mark.clientId);
  const lastMids = clients.map((mark) => mark.lastMid);
  const clientUpdate = `UPDATE sync_client_mutations AS m SET last_mid = u.last_mid
      FROM unnest($1::text[], $2::bigint[]) AS u(client_id, last_mid)
     WHERE m.client_id = u.client_id AND m.last_mid < u.last_mid`;
  if (staged.length === 0) {
    if (clients.length > 0) await tx.query(clientUpdate, [clientIds, lastMids]);
    return [];
  }
  const latest = new Map(staged.map((s, index) => [`${s.c}\u0000${s.id}`, index]));
  const rows = staged.map((s, index) => ({
    n: index + 1,
    latest: latest.get(`${s.c}\u0000${s.id}`) === index,
    c: s.c,
    id: s.id,
    v: s.v,
    scope: s.scope,
    by: s.by,
    at_ms: s.atMs,
    ops: s.ops,
    fields: s.fields,
    del: s.del,
    rollback_of: s.rollbackOf ?? null,
    cid: s.cid ?? null,
    mid: s.mid ?? null,
    base: s.base ?? null,
    submitted: s.submitted ?? null,
  }));
  const [head] = await tx.query<{ first: unknown }>(
    `WITH clients AS (${clientUpdate}),
     head AS (UPDATE sync_head SET seq = seq + $3::bigint WHERE id = 1 RETURNING seq - $3::bigint AS before),
     x AS (
       SELECT x.*, head.before + x.n AS seq
         FROM head, jsonb_to_recordset($4::text::jsonb) AS x(n integer, latest boolean, c text, id text, v integer,
              scope text, by text, at_ms bigint, ops jsonb, fields jsonb, del boolean, rollback_of integer, cid text,
              mid bigint, base integer, submitted jsonb)
     ),
     history AS (INSERT INTO sync_history (${HISTORY_COLUMNS}) SELECT ${HISTORY_COLUMNS} FROM x),
     log AS (INSERT INTO sync_log (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM x),
     records AS (
       INSERT INTO sync_records (c, id, scope, v, seq, fields, del, updated_by, updated_at_ms)
       SELECT c, id, scope, v, seq, fields, del, by, at_ms FROM x WHERE latest
       ON CONFLICT (c, id) DO UPDATE SET scope = excluded.scope, v = excluded.v, seq = excluded.seq,
         fields = excluded.fields, del = excluded.del, updated_by = excluded.updated_by,
         updated_at_ms = excluded.updated_at_ms
     )
     SELECT before + 1 AS first FROM head`,
    [clientIds, lastMids, staged.length, jsonParam(rows)],
  );
  const first = Number(head?.first);
  if (!Number.isFinite(first)) throw new Error('sync_head is missing: run the storage migrations');
  staged.forEach((version, index) => {
    version.seq = first + index;
  });
  return staged.map((s) => ({
    seq: s.seq!,
    scope: s.scope,
    c: s.c,
    id: s.id,
    v: s.v,
    ops: s.ops,
    ...(s.del ? { del: true as const } : {}),
    by: s.by,
    at: iso(s.atMs),
    ...(s.cid !== undefined ? { cid: s.cid } : {}),
    ...(s.mid !== undefined ? { mid: s.mid } : {}),
  }));
}
