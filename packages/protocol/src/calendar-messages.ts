/**
 * Calendar conflict warnings (R9.2): pushed at once, as an ephemeral event on the channels that carry
 * the meeting, projected per audience (server → client). Each payload carries the meeting's whole
 * current conflict list, so an empty list clears a warning.
 */
export const CALENDAR_CONFLICT_EVENT = 'calendar_conflict';

/** One attendee double-booked by one other meeting. */
export interface CalendarConflict {
  /** The attendee who is double-booked. */
  userId: string;
  name: string;
  /** The overlapping period (epoch ms). */
  startAtMs: number;
  endAtMs: number;
  /** The other meeting, when the receiving audience may see it; absent means "busy" only. */
  otherMeeting?: { id: string; title: string; startAtMs: number; endAtMs: number };
}

export interface CalendarConflictPayload {
  meetingId: string;
  conflicts: CalendarConflict[];
}
