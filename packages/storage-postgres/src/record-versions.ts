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
  staged: StagedVersion[];
}

const HISTORY_COLUMNS = 'c, id, v, seq, by, at_ms, ops, fields, del, rollback_of, cid, mid, base, submitted';

/** Per-transaction cache of records, so several mutations of one record in a batch see each other. */
export class WorkingRecords {
  private readonly records = new Map<string, WorkingRecord>();

  constructor(private readonly tx: SqlClient) {}

  async get(c: string, id: string): Promise<WorkingRecord> {
    const key = `${c}\u0000${id}`;
    const cached = this.records.get(key);
    if (cached) return cached;
    const rows = await this.tx.query<RecordRow>(
      'SELECT c, id, scope, v, seq, fields, del, updated_by, updated_at_ms FROM sync_records WHERE c = $1 AND id = $2',
      [c, id],
    );
    const row = rows[0];
    const record: WorkingRecord = {
      c,
      id,
      scope: row?.scope,
      v: row?.v ?? 0,
      fields: row?.fields ?? {},
      del: row?.del ?? false,
      storedVersion: row?.v ?? 0,
      storedSeq: Number(row?.seq ?? 0),
      staged: [],
    };
    this.records.set(key, record);
    return record;
  }

  /** Fields at `base` and every version after it, as the merge needs them. */
  async since(record: WorkingRecord, base: number): Promise<{ baseFields: Fields; committed: CommittedVersion[] }> {
    let baseFields: Fields = {};
    const committed: CommittedVersion[] = [];
    if (base < record.storedVersion) {
      // Full fields only of the base version: a long offline gap may span many versions.
      const rows = await this.tx.query<HistoryRow>(
        `SELECT ${HISTORY_COLUMNS.replace('fields', "CASE WHEN v = $3 THEN fields ELSE '{}'::jsonb END AS fields")}
           FROM sync_history WHERE c = $1 AND id = $2 AND v >= $3 AND v <= $4 ORDER BY v`,
        [record.c, record.id, base, record.storedVersion],
      );
      for (const row of rows) {
        if (row.v === base) baseFields = row.fields;
        else committed.push(toCommittedVersion(row));
      }
    } else if (base === record.storedVersion) {
      baseFields = base === 0 ? {} : await this.storedFields(record);
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

  private async storedFields(record: WorkingRecord): Promise<Fields> {
    return record.staged.length === 0
      ? record.fields
      : ((await this.fieldsAt(record, record.storedVersion))?.fields ?? {});
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
