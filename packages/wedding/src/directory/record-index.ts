import type { FieldOp, FieldSchema, RecordSnapshot } from '@wedsync/protocol';
import { collectionNamed, fieldNameOf } from '../collections/wedding-schemas.ts';

/**
 * The current state of one record as the Directory knows it. Field values are keyed by field *name*;
 * list fields hold `{ id, v }` items in commit order (as `@wedsync/merge` keeps them); `text` fields (note bodies, long answers)
 * hold only their length in code points (enough for "answered?" and completion, R3.4).
 */
export interface IndexedRecord {
  c: string;
  id: string;
  scope: string;
  v: number;
  seq: number;
  fields: Record<string, unknown>;
  deleted: boolean;
  updatedBy: string;
  updatedAtMs: number;
}

export interface ListItem<T = unknown> {
  id: string;
  v: T;
}

/** The minimum of a committed change the index needs (a `StoredChange` from storage satisfies it). */
export interface IndexableChange {
  scope: string;
  seq: number;
  c: string;
  id: string;
  v: number;
  ops: FieldOp[];
  del?: true;
  by: string;
  at: string;
}

/** What one change did to one record: its state before (absent for a create) and after. */
export interface AppliedChange {
  change: IndexableChange;
  before: IndexedRecord | undefined;
  after: IndexedRecord;
}

/** (collection, field) pairs kept in a value → record-ids index, for the Directory's lookups. */
const INDEXED_FIELDS: Record<string, string[]> = {
  team_members: ['supplierId', 'userId'],
  couples: ['partnerA', 'partnerB', 'weddingId'],
  weddings: ['coupleId'],
  connections: ['weddingId', 'supplierId'],
  forms: ['supplierId'],
  form_assignments: ['formId', 'weddingId', 'supplierId'],
  form_answers: ['assignmentId'],
  journeys: ['supplierId'],
  journey_runs: ['journeyId', 'weddingId', 'supplierId'],
  messages: ['weddingId'],
  payments: ['supplierId'],
};

function isTextField(collection: string, field: string): boolean {
  const schema = (collectionNamed(collection)?.fields as Record<string, FieldSchema> | undefined)?.[field];
  return schema?.kind === 'text';
}

/** Applies committed ops to indexed field values (a text field keeps its length; see IndexedRecord). */
export function applyOpsToFields(collection: string, fields: Record<string, unknown>, ops: readonly FieldOp[]): void {
  for (const op of ops) {
    const name = fieldNameOf(collection, op.f);
    if (name === undefined) continue;
    if (isTextField(collection, name)) {
      if (op.k === 'text') fields[name] = Math.max(0, textLength(fields[name]) + lengthDelta(op.op));
      else if (op.k === 'set') fields[name] = textLength(op.v);
      continue;
    }
    if (op.k === 'set') fields[name] = op.v;
    else if (op.k === 'add') {
      const items = Array.isArray(fields[name]) ? (fields[name] as ListItem[]) : [];
      if (!items.some((item) => item.id === op.id)) fields[name] = [...items, { id: op.id, v: op.v }];
    } else if (op.k === 'remove') {
      const items = Array.isArray(fields[name]) ? (fields[name] as ListItem[]) : [];
      fields[name] = items.filter((item) => item.id !== op.id);
    }
  }
}

/** Converts a storage snapshot's `fieldId → value` map to indexed `name → value` (text as its length). */
export function namedFields(collection: string, byId: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(byId)) {
    const name = fieldNameOf(collection, Number(key));
    if (name !== undefined) out[name] = isTextField(collection, name) ? textLength(value) : value;
  }
  return out;
}

/**
 * The change as the Directory would apply it, from the version's own fields before (undefined: a
 * create) and after, by field id — e.g. inside the transaction that writes it, where the record's
 * state comes from the transaction, not from the Directory.
 */
export function appliedChangeOf(
  change: IndexableChange,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
): AppliedChange {
  const indexed = (fields: Record<string, unknown>, v: number, deleted: boolean): IndexedRecord => ({
    c: change.c,
    id: change.id,
    scope: change.scope,
    v,
    seq: change.seq,
    fields: namedFields(change.c, fields),
    deleted,
    updatedBy: change.by,
    updatedAtMs: Date.parse(change.at),
  });
  return {
    change,
    before: before === undefined ? undefined : indexed(before, change.v - 1, false),
    after: indexed(after, change.v, change.del === true),
  };
}

/** Length in code points of a text value (a string), or the kept length (a number). */
function textLength(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? [...value].length : 0;
}

/** How an `ot-text-unicode` op changes the length: inserts add, deletes remove, skips keep. */
function lengthDelta(op: readonly unknown[]): number {
  let delta = 0;
  for (const part of op) {
    if (typeof part === 'string') delta += [...part].length;
    else if (part && typeof part === 'object' && 'd' in part) {
      const d = (part as { d: unknown }).d;
      delta -= typeof d === 'number' ? d : typeof d === 'string' ? [...d].length : 0;
    }
  }
  return delta;
}

/**
 * Records of the model by collection and id, with value indexes. Applying a change whose version is
 * not newer than the known one is a no-op, so a snapshot followed by an overlapping replay is safe.
 */
export class RecordIndex {
  private readonly records = new Map<string, Map<string, IndexedRecord>>();
  private readonly valueIndex = new Map<string, Set<string>>();

  get(c: string, id: string): IndexedRecord | undefined {
    const record = this.records.get(c)?.get(id);
    return record && !record.deleted ? record : undefined;
  }

  /** The last known state even if deleted (its fields as before the delete), for projecting deletes. */
  getAny(c: string, id: string): IndexedRecord | undefined {
    return this.records.get(c)?.get(id);
  }

  /** Live records of a collection whose indexed `field` equals `value`. */
  where(c: string, field: string, value: string): IndexedRecord[] {
    const ids = this.valueIndex.get(indexKey(c, field, value));
    if (!ids) return [];
    const out: IndexedRecord[] = [];
    for (const id of ids) {
      const record = this.get(c, id);
      if (record) out.push(record);
    }
    return out;
  }

  all(c: string): IndexedRecord[] {
    return [...(this.records.get(c)?.values() ?? [])].filter((record) => !record.deleted);
  }

  /** Every live record of every collection. */
  *everything(): Generator<IndexedRecord> {
    for (const byId of this.records.values()) for (const record of byId.values()) if (!record.deleted) yield record;
  }

  /** Applies a committed change; returns undefined when it was already known (stale or duplicate). */
  apply(change: IndexableChange): AppliedChange | undefined {
    if (!collectionNamed(change.c)) return undefined;
    const known = this.records.get(change.c)?.get(change.id);
    if (known && known.v >= change.v) return undefined;
    const before = known && !known.deleted ? known : undefined;
    const fields = { ...(before?.fields ?? {}) };
    applyOpsToFields(change.c, fields, change.ops);
    const after: IndexedRecord = {
      c: change.c,
      id: change.id,
      scope: change.scope,
      v: change.v,
      seq: change.seq,
      fields,
      deleted: change.del === true,
      updatedBy: change.by,
      updatedAtMs: Date.parse(change.at),
    };
    this.put(known, after);
    return { change, before, after };
  }

  /** Loads a record from a storage snapshot (replaces an older known version). */
  load(record: RecordSnapshot & { scope: string; seq: number; updatedBy: string; updatedAtMs: number }): void {
    if (!collectionNamed(record.c)) return;
    const known = this.records.get(record.c)?.get(record.id);
    if (known && known.v >= record.v) return;
    this.put(known, {
      c: record.c,
      id: record.id,
      scope: record.scope,
      v: record.v,
      seq: record.seq,
      fields: namedFields(record.c, record.fields),
      deleted: record.del === true,
      updatedBy: record.updatedBy,
      updatedAtMs: record.updatedAtMs,
    });
  }

  private put(previous: IndexedRecord | undefined, next: IndexedRecord): void {
    let byId = this.records.get(next.c);
    if (!byId) {
      byId = new Map();
      this.records.set(next.c, byId);
    }
    byId.set(next.id, next);
    for (const field of INDEXED_FIELDS[next.c] ?? []) {
      const oldValue = previous?.fields[field];
      const newValue = next.fields[field];
      if (typeof oldValue === 'string' && oldValue !== newValue) {
        this.valueIndex.get(indexKey(next.c, field, oldValue))?.delete(next.id);
      }
      if (typeof newValue === 'string') {
        const key = indexKey(next.c, field, newValue);
        let ids = this.valueIndex.get(key);
        if (!ids) {
          ids = new Set();
          this.valueIndex.set(key, ids);
        }
        ids.add(next.id);
      }
    }
  }
}

function indexKey(c: string, field: string, value: string): string {
  return `${c}\u0000${field}\u0000${value}`;
}
