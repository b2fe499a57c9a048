import { applyOps, type CompiledCollection, type Fields, jsonEqual } from '@wedsync/merge';
import type { QueuedMutation } from '../outbox/queue-storage.ts';
import type { ConfirmedRecord } from './confirmed-records.ts';
import type { FieldChange, RecordView } from './store-types.ts';

/** The optimistic state of one record in wire form (field ids). */
export interface ViewState {
  c: string;
  id: string;
  v: number;
  topic: string;
  fields: Fields;
  pendingFieldIds: Set<number>;
}

/**
 * Confirmed state with the pending mutations applied in order (R11.1): a pending `del` hides the
 * record, pending ops on an absent record make it appear (a create). Returns null when the record does not exist in
 * the optimistic view. A pending mutation that no longer fits (should not happen after rebasing) is
 * skipped rather than breaking the view; the server's answer corrects it.
 */
export function computeView(
  collection: CompiledCollection,
  c: string,
  id: string,
  confirmed: ConfirmedRecord | undefined,
  pending: readonly QueuedMutation[],
): ViewState | null {
  let exists = confirmed !== undefined && !confirmed.del;
  let fields: Fields = exists ? confirmed!.fields : {};
  let topic = confirmed?.topic;
  const pendingFieldIds = new Set<number>();
  for (const mutation of pending) {
    topic ??= mutation.topic;
    if (mutation.del) {
      exists = false;
      fields = {};
      continue;
    }
    if (mutation.ops.length === 0) continue;
    try {
      fields = applyOps(collection, fields, mutation.ops);
      exists = true;
      for (const op of mutation.ops) pendingFieldIds.add(op.f);
    } catch {
      // Skipped: see the function comment.
    }
  }
  if (!exists || topic === undefined) return null;
  return { c, id, v: confirmed?.v ?? 0, topic, fields, pendingFieldIds };
}

/** The app-facing view: field names instead of ids. */
export function toRecordView(collection: CompiledCollection, state: ViewState): RecordView {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state.fields)) {
    const field = collection.byId.get(Number(key));
    if (field) fields[field.name] = value;
  }
  const pendingFields: string[] = [];
  for (const f of state.pendingFieldIds) {
    const field = collection.byId.get(f);
    if (field) pendingFields.push(field.name);
  }
  return { c: state.c, id: state.id, v: state.v, topic: state.topic, fields, pendingFields };
}

/** The fields whose visible value differs between two views of one record. */
export function diffViews(
  collection: CompiledCollection,
  before: ViewState | null,
  after: ViewState | null,
): FieldChange[] {
  const changes: FieldChange[] = [];
  const keys = new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after?.fields ?? {})]);
  for (const key of keys) {
    const old = before?.fields[key];
    const next = after?.fields[key];
    if (jsonEqual(old, next)) continue;
    const field = collection.byId.get(Number(key));
    if (field) changes.push({ name: field.name, f: field.id, old, new: next });
  }
  return changes.sort((a, b) => a.f - b.f);
}
