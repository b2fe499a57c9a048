import type {
  ActivityItem,
  CalendarEvent,
  ClientSummary,
  JourneyStage,
  NotificationEntry,
  VersionEntry,
} from '@wedsync/react-ui';
import { startOfWeekMs } from '@wedsync/react-ui';

/**
 * Sample props for the component gallery (/gallery): a catalogue to review the visual building
 * blocks and to measure them in a real browser. Never used by the dashboards, which show live data.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export function sampleActivity(count: number, startIndex = 0, nowMs = Date.now()): ActivityItem[] {
  const sentences = [
    (n: number) => `Emma just completed the timeline form (${n})`,
    (n: number) => `James updated the guest count to ${120 + (n % 60)}`,
    (n: number) => `Payment of £${(n % 9) * 50 + 100} received from Priya & Arjun`,
    (n: number) => `Bob booked a venue visit (#${n})`,
  ];
  return Array.from({ length: count }, (_, offset) => {
    const index = startIndex + offset;
    const make = sentences[index % sentences.length] ?? sentences[0];
    return {
      id: `activity-${index}`,
      text: make ? make(index) : `Activity ${index}`,
      atMs: nowMs - offset * 1000,
      kind: 'sample',
      details: [{ label: 'Sample', value: `#${index}` }],
    };
  }).reverse();
}

export function sampleClients(nowMs = Date.now()): ClientSummary[] {
  return [
    {
      id: 'c1',
      name: 'Emma & James',
      weddingDate: '2026-09-12',
      online: true,
      lastActiveAtMs: nowMs,
      fillingForm: 'Timeline form',
      unreadMessages: 2,
      updatedAtMs: nowMs,
    },
    {
      id: 'c2',
      name: 'Priya & Arjun',
      weddingDate: '2026-10-03',
      online: true,
      lastActiveAtMs: nowMs,
      unreadMessages: 0,
      updatedAtMs: null,
    },
    {
      id: 'c3',
      name: 'Chloe & Sam',
      weddingDate: '2027-05-22',
      online: false,
      lastActiveAtMs: nowMs - 3 * HOUR_MS,
      unreadMessages: 1,
      updatedAtMs: null,
    },
    {
      id: 'c4',
      name: 'Maya & Leo',
      weddingDate: '2027-06-14',
      online: false,
      lastActiveAtMs: nowMs - 10 * 24 * HOUR_MS,
      unreadMessages: 0,
      updatedAtMs: null,
    },
  ];
}

export function sampleNotifications(nowMs = Date.now()): NotificationEntry[] {
  return [
    {
      id: 'n1',
      type: 'form_submitted',
      title: 'Emma submitted the timeline form',
      body: '12 of 12 fields answered',
      atMs: nowMs - 5 * MINUTE_MS,
      read: false,
    },
    {
      id: 'n2',
      type: 'payment_received',
      title: 'Payment of £450 received',
      body: 'Priya & Arjun · deposit',
      atMs: nowMs - 2 * HOUR_MS,
      read: false,
    },
    { id: 'n3', type: 'team_mention', title: 'Bob mentioned you in team chat', atMs: nowMs - 26 * HOUR_MS, read: true },
    {
      id: 'n4',
      type: 'meeting_booked',
      title: 'Venue visit booked for Saturday',
      atMs: nowMs - 4 * 24 * HOUR_MS,
      read: true,
    },
  ];
}

export const NOTIFICATION_TYPES: Record<string, string> = {
  form_submitted: 'Form submitted',
  payment_received: 'Payment',
  team_mention: 'Mention',
  meeting_booked: 'Meeting',
};

export function sampleJourney(nowMs = Date.now()): { stages: JourneyStage[]; nextActionAtMs: number } {
  return {
    stages: [
      { id: 's1', name: 'Welcome email', status: 'done', detail: 'Opened' },
      { id: 's2', name: 'Questionnaire', status: 'done' },
      { id: 's3', name: 'Timeline form', status: 'current', detail: 'Emma is filling it' },
      { id: 's4', name: 'Payment reminder', status: 'failed', failureReason: 'email bounced' },
      { id: 's5', name: 'Final details call', status: 'pending' },
    ],
    nextActionAtMs: nowMs + 2 * HOUR_MS + 14 * MINUTE_MS,
  };
}

export function sampleEvents(nowMs = Date.now()): { weekStartMs: number; events: CalendarEvent[] } {
  const weekStartMs = startOfWeekMs(nowMs);
  const at = (day: number, hour: number, minute = 0) => {
    const date = new Date(weekStartMs);
    date.setDate(date.getDate() + day);
    date.setHours(hour, minute, 0, 0);
    return date.getTime();
  };
  return {
    weekStartMs,
    events: [
      {
        id: 'e1',
        title: 'Tasting',
        clientName: 'Emma & James',
        startMs: at(1, 10),
        endMs: at(1, 11, 30),
        status: 'confirmed',
      },
      {
        id: 'e2',
        title: 'Venue visit',
        clientName: 'Priya & Arjun',
        startMs: at(1, 11),
        endMs: at(1, 12),
        status: 'tentative',
      },
      {
        id: 'e3',
        title: 'Engagement shoot',
        clientName: 'Chloe & Sam',
        startMs: at(3, 14),
        endMs: at(3, 16),
        status: 'confirmed',
        remoteDrag: { startMs: at(4, 15), endMs: at(4, 17), byName: 'Bob' },
      },
      { id: 'e4', title: 'Call (cancelled)', startMs: at(2, 9), endMs: at(2, 9, 30), status: 'cancelled' },
    ],
  };
}

export function sampleVersions(nowMs = Date.now()): VersionEntry[] {
  return [
    { v: 4, byName: 'Emma Wilson', atMs: nowMs - 2 * MINUTE_MS, summary: 'Guest count 120 → 150' },
    {
      v: 3,
      byName: 'James Carter',
      atMs: nowMs - 40 * MINUTE_MS,
      summary: 'Venue Oakwood Hall → Oakwood Hall, Surrey',
    },
    { v: 2, byName: 'Sarah Bennett', atMs: nowMs - 3 * HOUR_MS, summary: 'Rolled back guest count', rollbackOf: 1 },
    { v: 1, byName: 'Emma Wilson', atMs: nowMs - 26 * HOUR_MS, summary: 'Created the wedding' },
  ];
}
