import type { CommittedVersion, Fields } from '@wedsync/merge';
import type { SqlClient } from './sql-client.ts';
import { type HistoryRow, type RecordRow, toCommittedVersion } from './stored-rows.ts';
import type { StagedVersion } from './version-writer.ts';

/** A record as seen inside one write transaction: its stored row plus versions staged by this batch. */
export interface WorkingRecord {
  c: string;
  id: string;
  /** Undefined for a record that does not exist (yet). */
  scope: string | undefined;
  v: number;
  fields: Fields;
  del: boolean;
  /** The version stored in the database; versions above it are in `staged`. */
  storedVersion: number;
  storedSeq: number;
  /** Fields of the stored version. */
  storedFields: Fields;
  staged: StagedVersion[];
}

const HISTORY_COLUMNS = 'c, id, v, seq, by, at_ms, ops, fields, del, rollback_of, cid, mid, base, submitted';
const RECORD_COLUMNS = 'c, id, scope, v, seq, fields, del, updated_by, updated_at_ms';

const keyOf = (c: string, id: string) => `${c}\u0000${id}`;

/** Stored versions of one record read ahead by `loadHistory`: `[from, to]`, full fields only of `withFields`. */
interface HistoryRange {
  from: number;
  to: number;
  rows: Map<number, HistoryRow>;
  withFields: Set<number>;
}

/** Per-transaction cache of records, so several mutations of one record in a batch see each other. */
export class WorkingRecords {
  private readonly records = new Map<string, WorkingRecord>();
  private readonly history = new Map<string, HistoryRange>();

  constructor(private readonly tx: SqlClient) {}

  async get(c: string, id: string): Promise<WorkingRecord> {
    const cached = this.records.get(keyOf(c, id));
    if (cached) return cached;
    await this.load([{ c, id }]);
    return this.records.get(keyOf(c, id))!;
  }

  /** Reads the records not read yet in one statement (call it after their record locks are held). */
  async load(keys: readonly { c: string; id: string }[]): Promise<void> {
    const missing = new Map<string, { c: string; id: string }>();
    for (const key of keys) {
      const k = keyOf(key.c, key.id);
      if (!this.records.has(k)) missing.set(k, key);
    }
    if (missing.size === 0) return;
    const list = [...missing.values()];
    const rows = await this.tx.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS.split(', ')
        .map((column) => `r.${column}`)
        .join(', ')} FROM sync_records r JOIN unnest($1::text[], $2::text[]) AS k(c, id) ON r.c = k.c AND r.id = k.id`,
      [list.map((key) => key.c), list.map((key) => key.id)],
    );
    const found = new Map(rows.map((row) => [keyOf(row.c, row.id), row]));
    for (const [k, { c, id }] of missing) {
      const row = found.get(k);
      this.records.set(k, {
        c,
        id,
        scope: row?.scope,
        v: row?.v ?? 0,
        fields: row?.fields ?? {},
        del: row?.del ?? false,
        storedVersion: row?.v ?? 0,
        storedSeq: Number(row?.seq ?? 0),
        storedFields: row?.fields ?? {},
        staged: [],
      });
    }
  }

  /**
   * Reads ahead, in one statement, the stored versions that `since(record, base)` will need for each
   * `(record, base)` with `base` below the stored version (records must be loaded).
   */
  async loadHistory(wants: readonly { c: string; id: string; base: number }[]): Promise<void> {
    const ranges = new Map<string, { c: string; id: string; from: number; to: number; bases: Set<number> }>();
    for (const want of wants) {
      const record = this.records.get(keyOf(want.c, want.id));
      if (!record || !Number.isInteger(want.base) || want.base >= record.storedVersion || want.base < 0) continue;
      const k = keyOf(want.c, want.id);
      if (this.history.has(k)) continue;
      const range = ranges.get(k);
      if (range) {
        range.from = Math.min(range.from, want.base);
        range.bases.add(want.base);
      } else {
        ranges.set(k, {
          c: want.c,
          id: want.id,
          from: want.base,
          to: record.storedVersion,
          bases: new Set([want.base]),
        });
      }
    }
    if (ranges.size === 0) return;
    const wanted = [...ranges.values()].flatMap((range) => [...range.bases].map((base) => ({ ...range, base })));
    // Full fields only of the bases: a long offline gap may span many versions.
    const rows = await this.tx.query<HistoryRow>(
      `WITH want AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::integer[]) AS w(c, id, lo, hi, base)
       )
       SELECT ${HISTORY_COLUMNS.split(', ')
         .map((column) =>
           column === 'fields'
             ? "CASE WHEN EXISTS (SELECT 1 FROM want b WHERE b.c = h.c AND b.id = h.id AND b.base = h.v) THEN h.fields ELSE '{}'::jsonb END AS fields"
             : `h.${column}`,
         )
         .join(', ')}
         FROM (SELECT DISTINCT c, id, lo, hi FROM want) AS r
         JOIN sync_history h ON h.c = r.c AND h.id = r.id AND h.v >= r.lo AND h.v <= r.hi`,
      [
        wanted.map((w) => w.c),
        wanted.map((w) => w.id),
        wanted.map((w) => w.from),
        wanted.map((w) => w.to),
        wanted.map((w) => w.base),
      ],
    );
    for (const [k, range] of ranges) {
      this.history.set(k, { from: range.from, to: range.to, rows: new Map(), withFields: range.bases });
    }
    for (const row of rows) this.history.get(keyOf(row.c, row.id))?.rows.set(row.v, row);
  }

  /** Fields at `base` and every version after it, as the merge needs them. */
  async since(record: WorkingRecord, base: number): Promise<{ baseFields: Fields; committed: CommittedVersion[] }> {
    let baseFields: Fields = {};
    const committed: CommittedVersion[] = [];
    if (base < record.storedVersion) {
      const ahead = this.history.get(keyOf(record.c, record.id));
      const rows =
        ahead && ahead.from <= base && ahead.to === record.storedVersion && ahead.withFields.has(base)
          ? [...ahead.rows.values()].filter((row) => row.v >= base).sort((a, b) => a.v - b.v)
          : await this.tx.query<HistoryRow>(
              `SELECT ${HISTORY_COLUMNS.replace('fields', "CASE WHEN v = $3 THEN fields ELSE '{}'::jsonb END AS fields")}
                 FROM sync_history WHERE c = $1 AND id = $2 AND v >= $3 AND v <= $4 ORDER BY v`,
              [record.c, record.id, base, record.storedVersion],
            );
      for (const row of rows) {
        if (row.v === base) baseFields = row.fields;
        else committed.push(toCommittedVersion(row));
      }
    } else if (base === record.storedVersion) {
      baseFields = record.storedFields;
    }
    for (const version of record.staged) {
      if (version.v === base) baseFields = version.fields;
      if (version.v > base) {
        committed.push({
          v: version.v,
          ops: version.ops,
          by: version.by,
          atMs: version.atMs,
          ...(version.cid !== undefined ? { cid: version.cid } : {}),
          ...(version.mid !== undefined ? { mid: version.mid } : {}),
          ...(version.base !== undefined ? { base: version.base } : {}),
          ...(version.submitted !== undefined ? { submitted: version.submitted } : {}),
        });
      }
    }
    return { baseFields, committed };
  }

  /** Fields of a stored version `v` (undefined when that version does not exist). */
  async fieldsAt(record: WorkingRecord, v: number): Promise<{ fields: Fields; del: boolean } | undefined> {
    const staged = record.staged.find((version) => version.v === v);
    if (staged) return { fields: staged.fields, del: staged.del };
    const rows = await this.tx.query<{ fields: Fields; del: boolean }>(
      'SELECT fields, del FROM sync_history WHERE c = $1 AND id = $2 AND v = $3',
      [record.c, record.id, v],
    );
    return rows[0];
  }

  /** Records a staged version as the record's new current state. */
  stage(record: WorkingRecord, version: StagedVersion): void {
    record.staged.push(version);
    record.scope = version.scope;
    record.v = version.v;
    record.fields = version.fields;
    record.del = version.del;
  }
}
