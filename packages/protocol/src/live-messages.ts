/**
 * Live derived events the app server pushes beside the record changes (server → client only, never
 * in the log): core-field propagation (R3.1, R3.2, R3.3) and new activity items (R6.1). Each is
 * projected per audience before it is sent: a supplier only ever gets fields shared with it, and an
 * anonymous edit reads `by: "anonymous"`, `byName: "A team member"` for the couple (R14.2).
 * They travel on the audience's primary channel: `couple:{coupleId}` or `supplier:{supplierId}`
 * (`bound_form_field` also on `form:{formId}`).
 */
export const LIVE_EVENTS = {
  /** A wedding core field changed: old → new, who, when (the toast of R3.3). */
  coreFieldChanged: 'core_field_changed',
  /** A form field bound to a core field now shows this value (R3.1). */
  boundFormField: 'bound_form_field',
  /** For caterers and venues (R3.2). */
  guestCountChanged: 'guest_count_changed',
  /** For every vendor of the wedding (R3.2). */
  timelineChanged: 'timeline_changed',
  /** A new activity feed item with its text for this audience (R6.1). */
  activityAdded: 'activity_added',
} as const;
export type LiveEventName = (typeof LIVE_EVENTS)[keyof typeof LIVE_EVENTS];

interface LiveEventBase {
  weddingId: string;
  /** The editor's user id as this audience may see it; `anonymous` for an anonymous edit seen by the couple. */
  by: string;
  /** First name, or "A team member". */
  byName: string;
  /** ISO 8601 time of the change. */
  at: string;
  /** `seq` of the change that raised it (dedupe key with `kind` and the field). */
  seq: number;
}

export type LivePropagationPayload =
  | (LiveEventBase & { kind: 'core_field_changed'; coreField: string; from: unknown; to: unknown })
  | (LiveEventBase & {
      kind: 'bound_form_field';
      coreField: string;
      value: unknown;
      formId: string;
      assignmentId: string;
      formFieldId: string;
      supplierId: string;
    })
  | (LiveEventBase & {
      kind: 'guest_count_changed';
      supplierId: string;
      supplierType: string;
      from: unknown;
      to: unknown;
    })
  | (LiveEventBase & { kind: 'timeline_changed'; supplierId: string; items: { id: string; v: unknown }[] });

/** `activity_added`: one feed item, its text already rendered for this audience. */
export interface LiveActivityPayload {
  /** The `activity` record id (`act:{c}:{v}:{n}:{id}` of the version it describes). */
  id: string;
  verb: string;
  text: string;
  weddingId?: string;
  supplierId?: string;
  subjectCollection: string;
  subjectId: string;
  /** ISO 8601. */
  at: string;
}
