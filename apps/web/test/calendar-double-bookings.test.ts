import type { RecordView } from '@wedsync/client';
import type { CalendarConflict } from '@wedsync/protocol';
import { describe, expect, test } from 'vitest';
import { doubleBookingNotices, meetingEvents } from '../src/supplier/calendar-events.ts';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 5, 10, 9);
const names: Record<string, string> = { 'u-sarah': 'Sarah Bennett', 'u-bob': 'Bob Turner' };
const nameOf = (userId: string) => names[userId] ?? userId;
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function meeting(id: string, startHour: number, hours: number, attendees: string[], extra = {}): RecordView {
  return {
    c: 'meetings',
    id,
    v: 1,
    topic: 'supplier:lenslight',
    pendingFields: [],
    fields: {
      title: id,
      startAtMs: T0 + startHour * HOUR_MS,
      endAtMs: T0 + (startHour + hours) * HOUR_MS,
      status: 'scheduled',
      attendees: attendees.map((userId) => ({ id: userId, v: { userId } })),
      ...extra,
    },
  };
}

describe('calendar double bookings on the supplier calendar', () => {
  test('R9.2 overlapping meetings that share an attendee are one warning naming who; other overlaps are not', () => {
    const meetings = [
      meeting('Tasting', 0, 1, ['u-sarah']),
      meeting('Walkthrough', 0.5, 1, ['u-sarah', 'u-bob']),
      meeting('Call', 0, 1, ['u-bob'], { status: 'cancelled' }),
      meeting('Edit', 0, 2, ['u-vera']),
    ];
    const notices = doubleBookingNotices(meetings, new Map(), nameOf, clock);
    expect(notices.map((notice) => [notice.eventIds, notice.text])).toEqual([
      [['Tasting', 'Walkthrough'], 'Double booking: Sarah Bennett in “Tasting” and “Walkthrough” (09:30)'],
    ]);
  });

  test('R9.2 R14.2 the server’s busy-only conflicts (a meeting we may not see) are warned on our meeting', () => {
    const conflicts = new Map<string, CalendarConflict[]>([
      ['Tasting', [{ userId: 'u-sarah', name: 'Sarah Bennett', startAtMs: T0 + 0.5 * HOUR_MS, endAtMs: T0 + HOUR_MS }]],
    ]);
    const notices = doubleBookingNotices([meeting('Tasting', 0, 1, ['u-sarah'])], conflicts, nameOf, clock);
    expect(notices.map((notice) => notice.text)).toEqual([
      'Sarah Bennett is busy elsewhere 09:30–10:00 during “Tasting”',
    ]);
  });

  test('R9.2 a server conflict naming a meeting we have is merged with the local pair, not repeated', () => {
    const conflicts = new Map<string, CalendarConflict[]>([
      [
        'Tasting',
        [
          {
            userId: 'u-bob',
            name: 'Bob Turner',
            startAtMs: T0 + 0.5 * HOUR_MS,
            endAtMs: T0 + HOUR_MS,
            otherMeeting: { id: 'Walkthrough', title: 'Walkthrough', startAtMs: T0, endAtMs: T0 + HOUR_MS },
          },
        ],
      ],
    ]);
    const meetings = [meeting('Tasting', 0, 1, ['u-sarah']), meeting('Walkthrough', 0.5, 1, ['u-sarah'])];
    const notices = doubleBookingNotices(meetings, conflicts, nameOf, clock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toBe('Double booking: Bob Turner, Sarah Bennett in “Tasting” and “Walkthrough” (09:30)');
  });

  test('R9.2 events carry status colours: cancelled stays cancelled, unconfirmed shows tentative', () => {
    const events = meetingEvents(
      [
        meeting('A', 0, 1, ['u-sarah'], { weddingId: 'w1' }),
        meeting('B', 1, 1, [], { status: 'cancelled' }),
        { ...meeting('C', 2, 1, []), v: 0 },
        meeting('Broken', 3, -1, []),
      ],
      (weddingId) => (weddingId === 'w1' ? 'Emma & James' : undefined),
      nameOf,
    );
    expect(events.map((event) => [event.id, event.status, event.clientName ?? null])).toEqual([
      ['A', 'confirmed', 'Emma & James'],
      ['B', 'cancelled', null],
      ['C', 'tentative', null],
    ]);
    expect(events[0]?.attendees).toEqual(['Sarah Bennett']);
  });
});
