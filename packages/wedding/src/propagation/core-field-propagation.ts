import { decodeActor } from '../actors/actor-label.ts';
import type { FormFieldDefinition } from '../collections/form-collections.ts';
import { CORE_FIELDS, type CoreField } from '../collections/wedding-collections.ts';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange, ListItem } from '../directory/record-index.ts';
import type { Audience } from '../rights/audience.ts';

interface EventBase {
  /** Who may receive it; a supplier audience only ever gets fields shared with it (R14.2). */
  audience: Audience;
  weddingId: string;
  /** The editor's user id (anonymity is applied when the event is rendered for a couple). */
  by: string;
  anonymous: boolean;
  atMs: number;
  seq: number;
}

/**
 * What a committed core-field change means for others (R3.1, R3.2, R3.3):
 * - `core_field_changed`: the field changed, old → new, for the couple and every supplier it is shared with;
 * - `bound_form_field`: a form field bound to that core field now shows the new value;
 * - `guest_count_changed`: for caterers and venues (R3.2);
 * - `timeline_changed`: for every vendor of the wedding (R3.2).
 * The notifications work turns the last two into notifications.
 */
export type PropagationEvent =
  | (EventBase & { kind: 'core_field_changed'; coreField: CoreField; from: unknown; to: unknown })
  | (EventBase & {
      kind: 'bound_form_field';
      coreField: CoreField;
      value: unknown;
      formId: string;
      assignmentId: string;
      formFieldId: string;
      supplierId: string;
    })
  | (EventBase & { kind: 'guest_count_changed'; supplierId: string; supplierType: string; from: unknown; to: unknown })
  | (EventBase & { kind: 'timeline_changed'; supplierId: string; items: ListItem[] });

/** Supplier types told about guest-count changes (R3.2). */
export const GUEST_COUNT_SUPPLIER_TYPES: readonly string[] = ['caterer', 'venue'];

const CORE_FIELD_BY_ID = new Map(CORE_FIELDS.map((field) => [fieldIdOf('weddings', field), field]));

/** The events a committed change to a `weddings` record raises; empty for anything else. */
export function propagateCoreFieldChange(directory: Directory, applied: AppliedChange): PropagationEvent[] {
  const { change, before, after } = applied;
  if (change.c !== 'weddings' || change.del) return [];
  const weddingId = change.id;
  const changed = [...new Set(change.ops.map((op) => CORE_FIELD_BY_ID.get(op.f)).filter((f) => f !== undefined))];
  if (changed.length === 0) return [];
  const actor = decodeActor(change.by);
  const base = { weddingId, by: actor.userId, anonymous: actor.anonymous, atMs: after.updatedAtMs, seq: change.seq };
  const coupleId = directory.coupleOfWedding(weddingId);
  const suppliers = directory.connectedSuppliers(weddingId);
  const events: PropagationEvent[] = [];
  for (const coreField of changed) {
    const from = before?.fields[coreField];
    const to = after.fields[coreField];
    const audiences: Audience[] = [
      ...(coupleId ? [{ kind: 'couple' as const, coupleId, weddingId }] : []),
      ...suppliers
        .filter((supplierId) => directory.isShared(weddingId, supplierId, coreField))
        .map((supplierId) => ({ kind: 'team' as const, supplierId })),
    ];
    for (const audience of audiences) {
      events.push({ ...base, audience, kind: 'core_field_changed', coreField, from, to });
      events.push(...boundFormFields(directory, audience, weddingId, coreField, to, base));
      if (audience.kind !== 'team') continue;
      const supplierType = directory.supplierType(audience.supplierId) ?? 'unknown';
      const supplierId = audience.supplierId;
      if (coreField === 'guestCount' && GUEST_COUNT_SUPPLIER_TYPES.includes(supplierType)) {
        events.push({ ...base, audience, kind: 'guest_count_changed', supplierId, supplierType, from, to });
      }
      if (coreField === 'timeline') {
        const items = Array.isArray(to) ? (to as ListItem[]) : [];
        events.push({ ...base, audience, kind: 'timeline_changed', supplierId, items });
      }
    }
  }
  return events;
}

/** Every form field bound to `coreField` in the forms assigned to this wedding that the audience sees. */
function boundFormFields(
  directory: Directory,
  audience: Audience,
  weddingId: string,
  coreField: CoreField,
  value: unknown,
  base: Omit<EventBase, 'audience'>,
): PropagationEvent[] {
  const events: PropagationEvent[] = [];
  for (const assignment of directory.records.where('form_assignments', 'weddingId', weddingId)) {
    const { formId, supplierId } = assignment.fields;
    if (typeof formId !== 'string' || typeof supplierId !== 'string') continue;
    if (audience.kind === 'team' && audience.supplierId !== supplierId) continue;
    if (!directory.isConnected(weddingId, supplierId)) continue;
    const fields = directory.records.get('forms', formId)?.fields.fields;
    for (const item of Array.isArray(fields) ? (fields as ListItem<FormFieldDefinition>[]) : []) {
      if (item.v?.boundTo !== coreField) continue;
      events.push({
        ...base,
        audience,
        kind: 'bound_form_field',
        coreField,
        value,
        formId,
        assignmentId: assignment.id,
        formFieldId: item.id,
        supplierId,
      });
    }
  }
  return events;
}
