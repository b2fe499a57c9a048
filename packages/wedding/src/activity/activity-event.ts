import type { FieldOp } from '@wedsync/protocol';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { IndexedRecord } from '../directory/record-index.ts';
import { supplierScope, weddingScope } from '../rights/audience.ts';

export const ACTIVITY_VERBS = [
  'core_field_updated',
  'form_assigned',
  'form_started',
  'form_submitted',
  'message_sent',
  'note_added',
  'task_created',
  'task_completed',
  'meeting_booked',
  'meeting_rescheduled',
  'meeting_cancelled',
  'payment_received',
  'journey_stage',
  'journey_completed',
  'journey_failed',
  'supplier_connected',
  'supplier_disconnected',
  'team_member_added',
  'team_member_removed',
] as const;
export type ActivityVerb = (typeof ACTIVITY_VERBS)[number];

/**
 * One activity event (R6.1), structured. Its text is rendered per audience by `activityText`.
 * `id` is derived from the record version it describes (`act:{c}:{v}:{n}:{id}`), so deriving it twice gives the same record.
 */
export interface ActivityEvent {
  id: string;
  weddingId?: string;
  supplierId?: string;
  /** The log actor (`anon:{userId}` for anonymous edits). */
  actor: string;
  verb: ActivityVerb;
  subjectCollection: string;
  subjectId: string;
  coreField?: string;
  value?: unknown;
  detail?: Record<string, unknown>;
  atMs: number;
  /** True for team-internal events (kept in the supplier's scope). */
  teamOnly?: boolean;
}

/** The scope an activity event is stored in (see the `activity` collection). */
export function activityScope(event: ActivityEvent): string {
  if (event.weddingId && !event.teamOnly) return weddingScope(event.weddingId);
  if (event.supplierId) return supplierScope(event.supplierId);
  throw new RangeError(`activity ${event.id} names neither a wedding nor a supplier`);
}

/** The field values of the `activity` record for this event, by field name. */
export function activityFields(event: ActivityEvent): Record<string, unknown> {
  return {
    weddingId: event.weddingId ?? null,
    supplierId: event.supplierId ?? null,
    actor: event.actor,
    verb: event.verb,
    subjectCollection: event.subjectCollection,
    subjectId: event.subjectId,
    coreField: event.coreField ?? null,
    value: event.value ?? null,
    detail: event.detail ?? null,
    atMs: event.atMs,
    teamOnly: event.teamOnly === true,
  };
}

/** The ops that create the `activity` record (commit them with `scope: activityScope(event)`). */
export function activityOps(event: ActivityEvent): FieldOp[] {
  return Object.entries(activityFields(event)).map(([name, v]) => ({ k: 'set', f: fieldIdOf('activity', name), v }));
}

/** Reads an `activity` record of the Directory (or a snapshot converted to names) back into an event. */
export function activityFromRecord(record: Pick<IndexedRecord, 'id' | 'fields'>): ActivityEvent | undefined {
  const f = record.fields;
  if (typeof f.verb !== 'string' || typeof f.actor !== 'string' || typeof f.atMs !== 'number') return undefined;
  const event: ActivityEvent = {
    id: record.id,
    actor: f.actor,
    verb: f.verb as ActivityVerb,
    subjectCollection: String(f.subjectCollection ?? ''),
    subjectId: String(f.subjectId ?? ''),
    atMs: f.atMs,
  };
  if (typeof f.weddingId === 'string') event.weddingId = f.weddingId;
  if (typeof f.supplierId === 'string') event.supplierId = f.supplierId;
  if (typeof f.coreField === 'string') event.coreField = f.coreField;
  if (f.value !== null && f.value !== undefined) event.value = f.value;
  if (f.detail && typeof f.detail === 'object') event.detail = f.detail as Record<string, unknown>;
  if (f.teamOnly === true) event.teamOnly = true;
  return event;
}
