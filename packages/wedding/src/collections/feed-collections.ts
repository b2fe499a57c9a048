import { defineCollection } from './define-collection.ts';

/**
 * Activity events (R6.1), stored structured (never as text): the readable text is rendered per
 * audience, so a supplier who may not see a field never gets its value in any wording.
 * Who sees one: with a `supplierId`, the couple and that team (or only the team when it lives in the
 * supplier's scope); without, the couple, plus, for a core-field event, every connected supplier the
 * field is shared with.
 */
export const activity = defineCollection('activity', 'supplierOrWedding', 'Activity feed events (structured)', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  /** The actor as recorded in the log: a user id, or an anonymous actor (`anon:{userId}`). */
  actor: [3, 'lww'],
  /** One of ACTIVITY_VERBS. */
  verb: [4, 'lww'],
  subjectCollection: [5, 'lww'],
  subjectId: [6, 'lww'],
  /** For core-field verbs: which core field, and its new value. */
  coreField: [7, 'lww'],
  value: [8, 'lww'],
  /** Verb-specific details: `{ title, formTitle, stageName, amountCents, currency, … }`. */
  detail: [9, 'lww'],
  atMs: [10, 'lww'],
  teamOnly: [11, 'lww'],
});

/** One person's notifications (R5). Delivery and the outbox belong to the notifications work. */
export const notifications = defineCollection('notifications', 'user', "A person's notifications (bell)", {
  userId: [1, 'lww'],
  /** The R5.2 trigger, e.g. 'form_submitted'. */
  trigger: [2, 'lww'],
  title: [3, 'lww'],
  body: [4, 'lww'],
  /** 'low' | 'normal' | 'important' | 'critical'. */
  importance: [5, 'lww'],
  createdAtMs: [6, 'lww'],
  readAtMs: [7, 'lww'],
  link: [8, 'lww'],
});
