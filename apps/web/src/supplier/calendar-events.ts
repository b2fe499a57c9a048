import type { RecordView } from '@wedsync/client';
import type { CalendarConflict } from '@wedsync/protocol';
import type { CalendarConflictNotice, CalendarEvent } from '@wedsync/react-ui';

/** A meeting's attendee user ids (the `attendees` list of `{ userId }` items). */
export function attendeesOf(meeting: RecordView): string[] {
  const items = Array.isArray(meeting.fields.attendees)
    ? (meeting.fields.attendees as { v?: { userId?: unknown } }[])
    : [];
  return items.map((item) => item.v?.userId).filter((userId): userId is string => typeof userId === 'string');
}

function timesOf(meeting: RecordView): { startMs: number; endMs: number } | null {
  const startMs = Number(meeting.fields.startAtMs);
  const endMs = Number(meeting.fields.endAtMs);
  return Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs ? { startMs, endMs } : null;
}

/**
 * Meetings as week-view events (R9.2): cancelled ones keep their place in the cancelled colour; a
 * meeting not yet confirmed by the server (created here, offline or in flight) shows as tentative.
 */
export function meetingEvents(
  meetings: readonly RecordView[],
  clientNameOf: (weddingId: string) => string | undefined,
  nameOf: (userId: string) => string,
): CalendarEvent[] {
  return meetings.flatMap((meeting) => {
    const times = timesOf(meeting);
    if (!times) return [];
    const weddingId = typeof meeting.fields.weddingId === 'string' ? meeting.fields.weddingId : null;
    const clientName = weddingId ? clientNameOf(weddingId) : undefined;
    const event: CalendarEvent = {
      id: meeting.id,
      title: String(meeting.fields.title ?? 'Meeting'),
      ...times,
      status: meeting.fields.status === 'cancelled' ? 'cancelled' : meeting.v === 0 ? 'tentative' : 'confirmed',
      attendees: attendeesOf(meeting).map(nameOf),
    };
    if (clientName) event.clientName = clientName;
    return [event];
  });
}

/**
 * Double bookings (R9.2): meetings that overlap and share an attendee, computed here from the
 * records at once, plus what the server reports (`calendar_conflict`) — including busy times from
 * meetings this team may not see, which arrive without the other meeting. One notice per pair.
 */
export function doubleBookingNotices(
  meetings: readonly RecordView[],
  serverConflicts: ReadonlyMap<string, readonly CalendarConflict[]>,
  nameOf: (userId: string) => string,
  formatTime: (ms: number) => string,
): CalendarConflictNotice[] {
  const live = meetings
    .filter((meeting) => meeting.fields.status !== 'cancelled')
    .flatMap((meeting) => {
      const times = timesOf(meeting);
      return times ? [{ meeting, ...times, attendees: new Set(attendeesOf(meeting)) }] : [];
    })
    .sort((a, b) => a.startMs - b.startMs);
  const byId = new Map(live.map((entry) => [entry.meeting.id, entry]));
  const pairs = new Map<string, { first: string; second: string; people: Set<string>; startMs: number }>();
  const addPair = (aId: string, bId: string, userId: string, startMs: number) => {
    const key = aId < bId ? `${aId}|${bId}` : `${bId}|${aId}`;
    const pair = pairs.get(key) ?? { first: aId, second: bId, people: new Set<string>(), startMs };
    pair.people.add(userId);
    pair.startMs = Math.min(pair.startMs, startMs);
    pairs.set(key, pair);
  };
  for (let i = 0; i < live.length; i++) {
    const a = live[i];
    if (!a) continue;
    for (let j = i + 1; j < live.length; j++) {
      const b = live[j];
      if (!b || b.startMs >= a.endMs) break;
      for (const userId of a.attendees)
        if (b.attendees.has(userId)) addPair(a.meeting.id, b.meeting.id, userId, b.startMs);
    }
  }
  const notices: CalendarConflictNotice[] = [];
  for (const [meetingId, conflicts] of serverConflicts) {
    const mine = byId.get(meetingId);
    if (!mine) continue;
    for (const conflict of conflicts) {
      const other = conflict.otherMeeting;
      if (other && byId.has(other.id)) {
        addPair(meetingId, other.id, conflict.userId, Math.max(conflict.startAtMs, mine.startMs));
        continue;
      }
      notices.push({
        key: `busy|${meetingId}|${conflict.userId}|${conflict.startAtMs}`,
        eventIds: [meetingId],
        text: `${conflict.name} is busy elsewhere ${formatTime(conflict.startAtMs)}–${formatTime(conflict.endAtMs)} during “${String(mine.meeting.fields.title ?? 'Meeting')}”`,
      });
    }
  }
  for (const [key, pair] of pairs) {
    const found = [byId.get(pair.first), byId.get(pair.second)];
    // The earlier meeting is named first (then by title), whichever side reported the pair.
    const [a, b] = found.sort(
      (x, y) =>
        (x?.startMs ?? 0) - (y?.startMs ?? 0) ||
        String(x?.meeting.fields.title ?? '').localeCompare(String(y?.meeting.fields.title ?? '')),
    );
    if (!a || !b) continue;
    const names = [...pair.people].map(nameOf).sort().join(', ');
    notices.unshift({
      key,
      eventIds: [pair.first, pair.second],
      text: `Double booking: ${names} in “${String(a.meeting.fields.title ?? 'Meeting')}” and “${String(b.meeting.fields.title ?? 'Meeting')}” (${formatTime(pair.startMs)})`,
    });
  }
  return notices;
}
