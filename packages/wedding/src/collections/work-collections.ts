import { defineCollection } from './define-collection.ts';

/**
 * Day-to-day work around a wedding. A record that names a `weddingId` (and is not `teamOnly`) lives in
 * the wedding's scope and is seen by the couple and by the team of its `supplierId`; without a wedding
 * (or `teamOnly`) it lives in the supplier's scope and only that team sees it. A wedding-scope record
 * without `supplierId` belongs to the couple alone.
 */
export const tasks = defineCollection('tasks', 'supplierOrWedding', 'Tasks of a couple, a supplier, or both', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  title: [3, 'lww'],
  /** 'open' | 'done'. */
  status: [4, 'lww'],
  assigneeId: [5, 'lww'],
  /** ISO date. */
  dueDate: [6, 'lww'],
  completedAtMs: [7, 'lww'],
  teamOnly: [8, 'lww'],
});

/** Calendar meetings (R9). `attendees` is a list of `{ userId }` items. */
export const meetings = defineCollection('meetings', 'supplierOrWedding', 'Meetings with attendees (calendar)', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  title: [3, 'lww'],
  startAtMs: [4, 'lww'],
  endAtMs: [5, 'lww'],
  location: [6, 'lww'],
  attendees: [7, 'list'],
  /** 'scheduled' | 'cancelled'. */
  status: [8, 'lww'],
  teamOnly: [9, 'lww'],
});

/** Notes; the body merges by OT so two editors both survive (R4.2, R10.1). */
export const notes = defineCollection('notes', 'supplierOrWedding', 'Shared notes (text body)', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  title: [3, 'lww'],
  body: [4, 'text'],
  /** Set when the note is about one form assignment (a supplier note on a form, R3.4). */
  assignmentId: [5, 'lww'],
  teamOnly: [6, 'lww'],
});

/** Messages between a couple and one supplier. */
export const messages = defineCollection('messages', 'wedding', 'Couple ↔ supplier messages', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  senderId: [3, 'lww'],
  /** True when a partner of the couple sent it. */
  fromCouple: [4, 'lww'],
  body: [5, 'lww'],
  sentAtMs: [6, 'lww'],
  /** When the other side read it; null while unread (R7.1). */
  readAtMs: [7, 'lww'],
});

export const teamChat = defineCollection('team_chat', 'supplier', 'Chat inside a supplier team (R10.1)', {
  supplierId: [1, 'lww'],
  senderId: [2, 'lww'],
  body: [3, 'lww'],
  sentAtMs: [4, 'lww'],
  /** User ids mentioned (team mention notifications, R5.2). */
  mentions: [5, 'lww'],
  /**
   * A photo: `{ mediaId, width, height }` (pixels of the `full` variant), or absent. The bytes are at
   * `/api/media/{mediaId}/{full|small}` (R12.2, R13.1; decision 0009).
   */
  attachment: [6, 'lww'],
});

export const payments = defineCollection('payments', 'wedding', 'Payments from a couple to a supplier', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  amountCents: [3, 'lww'],
  currency: [4, 'lww'],
  /** 'pending' | 'paid' | 'refunded'. Revenue counts `paid` (R6.2). */
  status: [5, 'lww'],
  description: [6, 'lww'],
  dueDate: [7, 'lww'],
  paidAtMs: [8, 'lww'],
});
