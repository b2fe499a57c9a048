import {
  applyOps,
  type CompiledCollection,
  concurrentManualFields,
  diffFields,
  type Fields,
  rebasePending,
  type SchemaIndex,
} from '@wedsync/merge';
import type { Change, FieldOp, ResyncPayload } from '@wedsync/protocol';
import type { Outbox } from '../outbox/outbox.ts';
import type { OutboxEntry } from '../outbox/outbox-types.ts';
import type { ConfirmedRecords } from './confirmed-records.ts';
import { recordKey } from './store-types.ts';

/** What the inbound sync needs from the store. */
export interface InboundContext {
  readonly schemas: SchemaIndex;
  readonly confirmed: ConfirmedRecords;
  readonly outbox: Outbox;
  readonly clientId: string;
  /** Unsettled outbox entries of one record, oldest first. */
  pendingOf(key: string): OutboxEntry[];
  /** The channel's state has a hole (a version gap): ask the server for a snapshot. */
  requestSnapshot(topic: string): void;
  reportError(error: unknown): void;
}

/**
 * Applies one committed change to the confirmed state (R3, R11.2). The caller has already dropped
 * changes with `seq` at or below the channel's `lastSeq`.
 * - This client's own change (its `cid`): the matching pending mutation is settled and never applied
 *   again; later pending mutations already include it, so they are not transformed, only re-based.
 * - Anyone else's: pending text ops are transformed past it (`rebasePending`, the server's tie rule),
 *   so text typed here is never lost.
 * A version gap (a change this channel could not see before) triggers a snapshot request.
 */
export function applyChange(ctx: InboundContext, topic: string, change: Change): void {
  const collection = ctx.schemas.collection(change.c);
  if (!collection) return;
  const key = recordKey(change.c, change.id);
  const confirmed = ctx.confirmed.get(key);
  const own = change.cid === ctx.clientId && change.mid !== undefined;
  if (own) ctx.outbox.settle(change.mid!);
  if (confirmed && change.v <= confirmed.v) return;
  if (change.v !== (confirmed?.v ?? 0) + 1) {
    ctx.requestSnapshot(topic);
    return;
  }
  let fields: Fields;
  try {
    fields = change.del ? {} : applyOps(collection, confirmed?.fields ?? {}, change.ops);
  } catch (error) {
    ctx.reportError(error);
    ctx.requestSnapshot(topic);
    return;
  }
  ctx.confirmed.set({
    topic: confirmed?.topic ?? topic,
    c: change.c,
    id: change.id,
    v: change.v,
    fields,
    ...(change.del ? { del: true as const } : {}),
  });
  rebaseEntries(ctx, collection, ctx.pendingOf(key), own ? [] : [change.ops], change.v);
}

/**
 * Replaces a channel's confirmed state with a snapshot (R11.2 full refresh), keeping every pending
 * mutation: acknowledged ones the snapshot covers are settled, the rest are rebased over the
 * difference between the old and the new confirmed values. Records of the channel missing from the
 * snapshot are gone (deleted or no longer visible).
 */
export function applyResync(ctx: InboundContext, topic: string, payload: ResyncPayload): void {
  for (const entry of [...ctx.outbox.entries()]) {
    if (entry.state === 'acked' && entry.mutation.topic === topic && (entry.ackedSeq ?? 0) <= payload.seq) {
      ctx.outbox.settle(entry.mutation.mid);
    }
  }
  const seen = new Set<string>();
  for (const record of payload.records) {
    const collection = ctx.schemas.collection(record.c);
    if (!collection) continue;
    const key = recordKey(record.c, record.id);
    seen.add(key);
    const before = ctx.confirmed.get(key);
    const fields = record.del ? {} : record.fields;
    if (before && before.v === record.v && Boolean(before.del) === Boolean(record.del)) continue;
    ctx.confirmed.set({
      topic: before?.topic ?? topic,
      c: record.c,
      id: record.id,
      v: record.v,
      fields,
      ...(record.del ? { del: true as const } : {}),
    });
    replaceConfirmed(ctx, collection, key, before?.fields ?? {}, fields, record.v);
  }
  for (const key of ctx.confirmed.keysOfTopic(topic)) {
    if (seen.has(key)) continue;
    const gone = ctx.confirmed.get(key)!;
    ctx.confirmed.delete(key);
    const collection = ctx.schemas.collection(gone.c);
    if (collection) replaceConfirmed(ctx, collection, key, gone.fields, {}, 0);
  }
  ctx.confirmed.setLastSeq(topic, payload.seq);
}

function replaceConfirmed(
  ctx: InboundContext,
  collection: CompiledCollection,
  key: string,
  from: Fields,
  to: Fields,
  v: number,
): void {
  const entries = ctx.pendingOf(key);
  if (entries.length === 0) return;
  let difference: FieldOp[];
  try {
    difference = diffFields(collection, from, to);
  } catch (error) {
    ctx.reportError(error);
    return;
  }
  rebaseEntries(ctx, collection, entries, [difference], v);
}

/**
 * Moves pending mutations of one record onto confirmed version `v` after `incoming` was applied to it.
 * A mutation setting a `manual` field that `incoming` also set keeps its base for good (`pinned`), so
 * the server sees the edit was made against an older value and returns the conflict (R4.2).
 */
function rebaseEntries(
  ctx: InboundContext,
  collection: CompiledCollection,
  entries: readonly OutboxEntry[],
  incoming: FieldOp[][],
  v: number,
): void {
  if (entries.length === 0) return;
  let rebased: FieldOp[][];
  try {
    rebased = rebasePending(
      collection,
      entries.map((entry) => entry.mutation.ops),
      incoming,
    );
  } catch (error) {
    ctx.reportError(error);
    return;
  }
  entries.forEach((entry, index) => {
    const mutation = entry.mutation;
    const pinned = mutation.pinned === true || concurrentManualFields(collection, [mutation.ops], incoming).length > 0;
    ctx.outbox.update(mutation.mid, { base: pinned ? mutation.base : v, ops: rebased[index] ?? mutation.ops, pinned });
  });
}

/**
 * Takes a refused (rejected or conflicting) pending mutation out of the chain before it leaves the
 * queue: later pending text ops of the record were made on top of it, so they are transformed past
 * its inverse and still apply (R11.2: its optimistic effect is undone, later typing is kept).
 */
export function withdrawEntry(ctx: InboundContext, dropped: OutboxEntry): void {
  const mutation = dropped.mutation;
  const collection = ctx.schemas.collection(mutation.c);
  if (!collection || mutation.del) return;
  const entries = ctx.pendingOf(recordKey(mutation.c, mutation.id));
  const index = entries.indexOf(dropped);
  const later = entries.slice(index + 1);
  if (index < 0 || later.length === 0) return;
  try {
    let before: Fields = ctx.confirmed.get(recordKey(mutation.c, mutation.id))?.fields ?? {};
    for (const entry of entries.slice(0, index)) {
      if (entry.mutation.del) before = {};
      else before = applyOps(collection, before, entry.mutation.ops);
    }
    const after = applyOps(collection, before, mutation.ops);
    const textFields = new Set(mutation.ops.filter((op) => op.k === 'text').map((op) => String(op.f)));
    const pick = (fields: Fields) => Object.fromEntries([...textFields].map((f) => [f, fields[f]]));
    const inverse = diffFields(collection, pick(after), pick(before));
    if (inverse.length === 0) return;
    const rebased = rebasePending(
      collection,
      later.map((entry) => entry.mutation.ops),
      [inverse],
    );
    later.forEach((entry, i) => {
      const m = entry.mutation;
      ctx.outbox.update(m.mid, { base: m.base, ops: rebased[i] ?? m.ops, pinned: m.pinned === true });
    });
  } catch (error) {
    ctx.reportError(error);
  }
}
