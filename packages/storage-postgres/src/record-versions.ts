import type { CommittedVersion, Fields } from '@wedsync/merge';
import type { SqlClient } from './sql-client.ts';
import { HISTORY_COLUMNS, type HistoryRow, RECORD_COLUMNS, type RecordRow, toCommittedVersion } from './stored-rows.ts';
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

const keyOf = (c: string, id: string) => `${c}\u0000${id}`;

/** Stored versions of one record read ahead by `readGroup`: `[from, to]`, full fields only of `withFields`. */
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
    const missing = keys.filter((key) => !this.records.has(keyOf(key.c, key.id)));
    if (missing.length === 0) return;
    const rows = await this.tx.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS.split(', ')
        .map((column) => `r.${column}`)
        .join(', ')} FROM sync_records r JOIN unnest($1::text[], $2::text[]) AS k(c, id) ON r.c = k.c AND r.id = k.id`,
      [missing.map((key) => key.c), missing.map((key) => key.id)],
    );
    this.adopt(missing, rows);
  }

  /** Takes the stored rows of `keys` read elsewhere (a key without a row is a record that does not exist). */
  adopt(keys: readonly { c: string; id: string }[], rows: readonly RecordRow[]): void {
    const found = new Map(rows.map((row) => [keyOf(row.c, row.id), row]));
    for (const { c, id } of keys) {
      const k = keyOf(c, id);
      if (this.records.has(k)) continue;
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
   * Takes the stored versions read ahead for `since(record, base)` of each `(record, base)` in
   * `wants` (records adopted first): by `historyReadAhead`, every version from the lowest such base
   * below the stored version up to it, with full fields only of those bases.
   */
  adoptHistory(wants: readonly { c: string; id: string; base: number }[], rows: readonly HistoryRow[]): void {
    const ranges = new Map<string, HistoryRange>();
    for (const want of wants) {
      const record = this.records.get(keyOf(want.c, want.id));
      if (!record || !Number.isInteger(want.base) || want.base < 0 || want.base >= record.storedVersion) continue;
      const k = keyOf(want.c, want.id);
      const range = ranges.get(k);
      if (range) {
        range.from = Math.min(range.from, want.base);
        range.withFields.add(want.base);
      } else {
        ranges.set(k, { from: want.base, to: record.storedVersion, rows: new Map(), withFields: new Set([want.base]) });
      }
    }
    for (const row of rows) ranges.get(keyOf(row.c, row.id))?.rows.set(row.v, row);
    for (const [k, range] of ranges) if (!this.history.has(k)) this.history.set(k, range);
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
