import type { FieldOp, FieldSchema, Mutation } from '@wedsync/protocol';
import { activityFields, activityScope } from '../activity/activity-event.ts';
import { describeChange } from '../activity/describe-change.ts';
import { collectionNamed } from '../collections/wedding-schemas.ts';
import { Directory } from '../directory/directory.ts';
import type { IndexableChange, ListItem } from '../directory/record-index.ts';
import { scopeForNewRecord } from '../rights/write-rights.ts';

/** One storage commit of the seed: one mutation written by one person at one moment. */
export interface SeedBatch {
  scope: string;
  actor: { userId: string; name: string };
  atMs: number;
  mutations: Mutation[];
}

/** The server's own identity for records nobody typed (directory entries, activity events). */
export const SYSTEM_ACTOR = { userId: 'system', name: 'WedSync' };

export interface SeedWrite {
  by: string;
  atMs: number;
  c: string;
  id: string;
  /** Values by field name: lists as `{ id, v }` items (appended), text as the initial string. */
  fields: Record<string, unknown>;
}

/**
 * Builds the seed as an ordered list of commits with mutation ids 1…n (client id `seed`), so a
 * replay is recognised by the storage's replay protection. Every write is also applied to a private
 * Directory so that the activity events it describes (R6.1) are written right after it, as the server
 * would; activity ids are `act-seed-{n}`.
 */
export class SeedBuilder {
  readonly batches: SeedBatch[] = [];
  /** The same writes as the changes a storage commits (seq 1…n), for building a Directory without storage. */
  readonly changes: IndexableChange[] = [];
  private readonly directory = new Directory();
  private readonly versions = new Map<string, { v: number; scope: string }>();
  private nextMid = 1;
  private nextSeq = 1;
  private activityCount = 0;
  private lastAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly names: (userId: string) => string) {}

  write(write: SeedWrite): void {
    if (write.atMs < this.lastAtMs) throw new RangeError(`seed write ${write.c}/${write.id} goes back in time`);
    this.lastAtMs = write.atMs;
    this.commit(write, true);
  }

  private commit(write: SeedWrite, describe: boolean, scopeOverride?: string): void {
    const key = `${write.c}/${write.id}`;
    const known = this.versions.get(key);
    const scope = known?.scope ?? scopeOverride ?? scopeForNewRecord(write.c, write.fields, write.id);
    if (!scope) throw new RangeError(`seed write ${key} has no scope`);
    const ops = opsFor(write.c, write.fields, known !== undefined);
    const mutation: Mutation = { mid: this.nextMid++, c: write.c, id: write.id, base: known?.v ?? 0, ops };
    this.batches.push({
      scope,
      actor: { userId: write.by, name: this.names(write.by) },
      atMs: write.atMs,
      mutations: [mutation],
    });
    const v = (known?.v ?? 0) + 1;
    this.versions.set(key, { v, scope });
    const change: IndexableChange = {
      scope,
      seq: this.nextSeq++,
      c: write.c,
      id: write.id,
      v,
      ops,
      by: write.by,
      at: new Date(write.atMs).toISOString(),
    };
    this.changes.push(change);
    const applied = this.directory.apply(change);
    if (!describe || !applied) return;
    for (const event of describeChange(this.directory, applied)) {
      event.id = `act-seed-${++this.activityCount}`;
      this.commit(
        { by: SYSTEM_ACTOR.userId, atMs: write.atMs, c: 'activity', id: event.id, fields: activityFields(event) },
        false,
        activityScope(event),
      );
    }
  }
}

/** Field values → ops: `set` for lww/manual, one `add` per list item, one insert for a new text. */
function opsFor(collection: string, fields: Record<string, unknown>, exists: boolean): FieldOp[] {
  const schemas = collectionNamed(collection)?.fields as Record<string, FieldSchema> | undefined;
  if (!schemas) throw new RangeError(`unknown collection ${collection}`);
  const ops: FieldOp[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const schema = schemas[name];
    if (!schema) throw new RangeError(`${collection} has no field ${name}`);
    if (schema.kind === 'list') {
      for (const item of value as ListItem[]) ops.push({ k: 'add', f: schema.id, id: item.id, v: item.v });
    } else if (schema.kind === 'text') {
      if (exists) throw new RangeError(`seed edits of existing text ${collection}.${name} are not supported`);
      if (typeof value === 'string' && value.length > 0) ops.push({ k: 'text', f: schema.id, op: [value] });
    } else ops.push({ k: 'set', f: schema.id, v: value });
  }
  return ops;
}
