import type { CalendarConflict } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import type { IndexedRecord, ListItem } from '../directory/record-index.ts';
import type { Audience, RecordRef } from '../rights/audience.ts';
import { audienceSees } from '../rights/visibility.ts';

/** A scheduled meeting as the calendar reasons about it (epoch ms; attendees as user ids). */
export interface MeetingSlot {
  id: string;
  scope: string;
  title: string;
  startAtMs: number;
  endAtMs: number;
  attendees: string[];
  record: RecordRef;
}

/** A double booking: `userId` attends `meetingId` and `otherMeetingId` at overlapping times. */
export interface AttendeeConflict {
  meetingId: string;
  otherMeetingId: string;
  userId: string;
  startAtMs: number;
  endAtMs: number;
}

/** User ids of a meeting's `attendees` list (`{ id, v: { userId } }` items), in list order, once each. */
export function attendeesOf(fields: Record<string, unknown>): string[] {
  const items = Array.isArray(fields.attendees) ? (fields.attendees as ListItem<{ userId?: unknown }>[]) : [];
  const ids = items.map((item) => item.v?.userId).filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)];
}

/**
 * The slot of a record that takes up calendar time: scheduled (not cancelled, not deleted) with a
 * start before its end. Anything else occupies nothing and conflicts with nothing.
 */
export function meetingSlot(record: Pick<IndexedRecord, 'id' | 'scope' | 'fields' | 'c'> & { deleted?: boolean }) {
  const { startAtMs, endAtMs, status, title } = record.fields;
  if (record.deleted || status === 'cancelled') return undefined;
  if (typeof startAtMs !== 'number' || typeof endAtMs !== 'number' || !(startAtMs < endAtMs)) return undefined;
  const slot: MeetingSlot = {
    id: record.id,
    scope: record.scope,
    title: typeof title === 'string' ? title : 'Meeting',
    startAtMs,
    endAtMs,
    attendees: attendeesOf(record.fields),
    record: { c: 'meetings', id: record.id, scope: record.scope, fields: record.fields },
  };
  return slot;
}

/** Every scheduled meeting that shares an attendee with `slot` and overlaps it in time (R9.2). */
export function conflictsOfSlot(directory: Directory, slot: MeetingSlot): AttendeeConflict[] {
  if (slot.attendees.length === 0) return [];
  const wanted = new Set(slot.attendees);
  const conflicts: AttendeeConflict[] = [];
  // A scan of the meetings the node knows; fine for one business's calendar, indexed by attendee if it grows.
  for (const record of directory.records.all('meetings')) {
    if (record.id === slot.id) continue;
    const other = meetingSlot(record);
    if (!other || other.startAtMs >= slot.endAtMs || slot.startAtMs >= other.endAtMs) continue;
    for (const userId of other.attendees) {
      if (!wanted.has(userId)) continue;
      conflicts.push({
        meetingId: slot.id,
        otherMeetingId: other.id,
        userId,
        startAtMs: Math.max(slot.startAtMs, other.startAtMs),
        endAtMs: Math.min(slot.endAtMs, other.endAtMs),
      });
    }
  }
  return conflicts.sort((a, b) => a.startAtMs - b.startAtMs || a.otherMeetingId.localeCompare(b.otherMeetingId));
}

/** The double bookings of a meeting by id (empty when it is cancelled, deleted or unknown). */
export function meetingConflicts(directory: Directory, meetingId: string): AttendeeConflict[] {
  const record = directory.records.get('meetings', meetingId);
  const slot = record && meetingSlot(record);
  return slot ? conflictsOfSlot(directory, slot) : [];
}

/**
 * A meeting's conflicts as one audience may see them (R9.2, R14.2), or undefined when the audience
 * may not see the meeting at all. The other meeting is named only when the audience may see it;
 * otherwise the attendee is shown as busy for the overlapping period, with nothing of whose meeting it is.
 */
export function conflictsForAudience(
  directory: Directory,
  meetingId: string,
  audience: Audience,
): CalendarConflict[] | undefined {
  const record = directory.records.getAny('meetings', meetingId);
  if (!record || !audienceSees(directory, audience, record)) return undefined;
  return meetingConflicts(directory, meetingId).map((conflict) => {
    const view: CalendarConflict = {
      userId: conflict.userId,
      name: directory.displayName(conflict.userId),
      startAtMs: conflict.startAtMs,
      endAtMs: conflict.endAtMs,
    };
    const other = directory.records.get('meetings', conflict.otherMeetingId);
    const otherSlot = other && meetingSlot(other);
    if (other && otherSlot && audienceSees(directory, audience, other)) {
      view.otherMeeting = {
        id: otherSlot.id,
        title: otherSlot.title,
        startAtMs: otherSlot.startAtMs,
        endAtMs: otherSlot.endAtMs,
      };
    }
    return view;
  });
}
