import type { CommittedVersion, Fields } from '@wedsync/merge';
import type { FieldOp, HistoryEntry } from '@wedsync/protocol';
import type { LockRow, StoredChange, StoredRecord } from '@wedsync/server';
import type { SqlRow } from './sql-client.ts';

/** Row shapes of the sync tables (migrations/001) and their mapping to the seam's types. */

/** Column lists of the sync tables, in the order of the row shapes below. */
export const RECORD_COLUMNS = 'c, id, scope, v, seq, fields, del, updated_by, updated_at_ms';
export const HISTORY_COLUMNS = 'c, id, v, seq, by, at_ms, ops, fields, del, rollback_of, cid, mid, base, submitted';
export const LOG_COLUMNS = 'seq, scope, c, id, v, ops, del, by, at_ms, cid, mid';
export const LOCK_COLUMNS = 'c, id, f, scope, user_id, user_name, session_id, expires_at_ms';

export interface RecordRow extends SqlRow {
  c: string;
  id: string;
  scope: string;
  v: number;
  seq: unknown;
  fields: Fields;
  del: boolean;
  updated_by: string;
  updated_at_ms: unknown;
}

export interface HistoryRow extends SqlRow {
  c: string;
  id: string;
  v: number;
  seq: unknown;
  by: string;
  at_ms: unknown;
  ops: FieldOp[];
  fields: Fields;
  del: boolean;
  rollback_of: number | null;
  cid: string | null;
  mid: unknown;
  base: number | null;
  submitted: FieldOp[] | null;
}

export interface LogRow extends SqlRow {
  seq: unknown;
  scope: string;
  c: string;
  id: string;
  v: number;
  ops: FieldOp[];
  del: boolean;
  by: string;
  at_ms: unknown;
  cid: string | null;
  mid: unknown;
}

export interface LockTableRow extends SqlRow {
  c: string;
  id: string;
  f: number;
  scope: string;
  user_id: string;
  user_name: string;
  session_id: string | null;
  expires_at_ms: unknown;
}

/** `bigint` columns arrive as strings from `pg` and as numbers or BigInt from PGlite. */
export const num = (value: unknown): number => Number(value);

export const iso = (ms: number): string => new Date(ms).toISOString();

export function toStoredRecord(row: RecordRow): StoredRecord {
  return {
    c: row.c,
    id: row.id,
    v: row.v,
    fields: row.fields,
    ...(row.del ? { del: true as const } : {}),
    scope: row.scope,
    seq: num(row.seq),
    updatedBy: row.updated_by,
    updatedAtMs: num(row.updated_at_ms),
  };
}

export function toStoredChange(row: LogRow): StoredChange {
  return {
    seq: num(row.seq),
    scope: row.scope,
    c: row.c,
    id: row.id,
    v: row.v,
    ops: row.ops,
    ...(row.del ? { del: true as const } : {}),
    by: row.by,
    at: iso(num(row.at_ms)),
    ...(row.cid !== null ? { cid: row.cid } : {}),
    ...(row.mid !== null ? { mid: num(row.mid) } : {}),
  };
}

export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    v: row.v,
    seq: num(row.seq),
    by: row.by,
    at: iso(num(row.at_ms)),
    ops: row.ops,
    fields: row.fields,
    ...(row.del ? { del: true as const } : {}),
    ...(row.rollback_of !== null ? { rollbackOf: row.rollback_of } : {}),
  };
}

export function toCommittedVersion(row: HistoryRow): CommittedVersion {
  return {
    v: row.v,
    ops: row.ops,
    by: row.by,
    atMs: num(row.at_ms),
    ...(row.cid !== null ? { cid: row.cid } : {}),
    ...(row.mid !== null ? { mid: num(row.mid) } : {}),
    ...(row.base !== null ? { base: row.base } : {}),
    ...(row.submitted !== null ? { submitted: row.submitted } : {}),
  };
}

/** f = -1 in the table is a record-level lock. */
export const RECORD_LOCK_FIELD = -1;

export function toLockRow(row: LockTableRow): LockRow {
  return {
    scope: row.scope,
    c: row.c,
    id: row.id,
    ...(row.f !== RECORD_LOCK_FIELD ? { f: row.f } : {}),
    holder: {
      userId: row.user_id,
      name: row.user_name,
      ...(row.session_id !== null ? { sessionId: row.session_id } : {}),
    },
    expiresAtMs: num(row.expires_at_ms),
  };
}
