import type { Fields } from '@wedsync/merge';
import type { FieldOp } from '@wedsync/protocol';
import type { StoredChange } from '../../server/src/storage/storage.ts';
import { jsonParam, type SqlClient } from './sql-client.ts';
import { iso } from './stored-rows.ts';
import { allocateSeqs } from './write-lock.ts';

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

/**
 * Gives the staged versions consecutive seqs in order (under the log-append lock, see
 * `allocateSeqs`) and writes them in three statements (group commit): history rows, log rows and
 * the final state of each record. Returns the log entries, in seq order.
 */
export async function writeVersions(tx: SqlClient, staged: StagedVersion[]): Promise<StoredChange[]> {
  if (staged.length === 0) return [];
  const first = await allocateSeqs(tx, staged.length);
  staged.forEach((version, index) => {
    version.seq = first + index;
  });
  const rows = staged.map((s) => ({
    c: s.c,
    id: s.id,
    v: s.v,
    seq: s.seq,
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
  await tx.query(
    `INSERT INTO sync_history (c, id, v, seq, by, at_ms, ops, fields, del, rollback_of, cid, mid, base, submitted)
     SELECT c, id, v, seq, by, at_ms, ops, fields, del, rollback_of, cid, mid, base, submitted
       FROM jsonb_to_recordset($1::text::jsonb) AS x(c text, id text, v integer, seq bigint, by text, at_ms bigint,
            ops jsonb, fields jsonb, del boolean, rollback_of integer, cid text, mid bigint, base integer, submitted jsonb)`,
    [jsonParam(rows)],
  );
  await tx.query(
    `INSERT INTO sync_log (seq, scope, c, id, v, ops, del, by, at_ms, cid, mid)
     SELECT seq, scope, c, id, v, ops, del, by, at_ms, cid, mid
       FROM jsonb_to_recordset($1::text::jsonb) AS x(seq bigint, scope text, c text, id text, v integer, ops jsonb,
            del boolean, by text, at_ms bigint, cid text, mid bigint)`,
    [jsonParam(rows)],
  );
  const latest = new Map(rows.map((row) => [`${row.c}\u0000${row.id}`, row]));
  await tx.query(
    `INSERT INTO sync_records (c, id, scope, v, seq, fields, del, updated_by, updated_at_ms)
     SELECT c, id, scope, v, seq, fields, del, by, at_ms
       FROM jsonb_to_recordset($1::text::jsonb) AS x(c text, id text, scope text, v integer, seq bigint, fields jsonb,
            del boolean, by text, at_ms bigint)
     ON CONFLICT (c, id) DO UPDATE SET scope = excluded.scope, v = excluded.v, seq = excluded.seq,
       fields = excluded.fields, del = excluded.del, updated_by = excluded.updated_by,
       updated_at_ms = excluded.updated_at_ms`,
    [jsonParam([...latest.values()])],
  );
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
