import type { RecordView } from '@wedsync/client';
import type { NotificationEntry } from '@wedsync/react-ui';

/** A `notifications` record (the bell, R5.3) as the notification centre shows it; undefined if malformed. */
export function bellEntryOf(record: RecordView): NotificationEntry | undefined {
  const { title, body, trigger, createdAtMs, readAtMs, link } = record.fields;
  if (typeof title !== 'string' || typeof createdAtMs !== 'number') return undefined;
  const entry: NotificationEntry = {
    id: record.id,
    type: typeof trigger === 'string' ? trigger : 'notification',
    title,
    atMs: createdAtMs,
    // Unread while readAtMs is null; marking read on one device is read on all (a synced field).
    read: typeof readAtMs === 'number',
  };
  if (typeof body === 'string' && body) entry.body = body;
  if (typeof link === 'string' && link) entry.href = link;
  return entry;
}

/** Readable labels of the R5.2 triggers for the filter and the type badges. */
export const TRIGGER_LABELS: Readonly<Record<string, string>> = {
  form_submitted: 'Form submitted',
  journey_milestone: 'Journey',
  client_message: 'Message',
  team_mention: 'Mention',
  payment_received: 'Payment',
  meeting_booked: 'Meeting booked',
  task_completed: 'Task completed',
  task_assigned: 'Task assigned',
  guest_count_changed: 'Guest count',
  timeline_changed: 'Timeline',
  meeting_reminder: 'Reminder',
};
