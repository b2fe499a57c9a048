import type { Directory } from '../directory/directory.ts';
import { audienceFor, contactOf } from './notification-recipients.ts';
import { formatTime, linkFor, quoted } from './notification-text.ts';
import { attendeeIds } from './notification-triggers.ts';
import { DEFAULT_IMPORTANCE, type WeddingNotification } from './wedding-notification.ts';

/** Default lead time of a meeting reminder (R9.1). */
export const DEFAULT_REMINDER_LEAD_MS = 30 * 60_000;

/**
 * Meeting reminders due at `nowMs` (R9.1): one per attendee of every scheduled meeting whose reminder
 * time (start − lead) has come and which has not started yet — so a reminder missed while every node
 * was down is still sent late, never after the meeting began. Ids are
 * `meeting_reminder:{meetingId}:{startAtMs}:{userId}`: the notification pump writes each once whichever
 * node scans first, and a rescheduled meeting gets a new reminder. Attendees who may no longer see the
 * meeting get none.
 */
export function dueMeetingReminders(
  directory: Directory,
  options: { nowMs: number; leadMs?: number },
): WeddingNotification[] {
  const leadMs = options.leadMs ?? DEFAULT_REMINDER_LEAD_MS;
  const out: WeddingNotification[] = [];
  for (const meeting of directory.records.all('meetings')) {
    const { startAtMs, status, title } = meeting.fields;
    if (status === 'cancelled' || typeof startAtMs !== 'number' || !Number.isFinite(startAtMs)) continue;
    const dueAtMs = startAtMs - leadMs;
    if (options.nowMs < dueAtMs || options.nowMs >= startAtMs) continue;
    const supplierId = typeof meeting.fields.supplierId === 'string' ? meeting.fields.supplierId : undefined;
    for (const userId of new Set(attendeeIds(meeting.fields.attendees))) {
      const audience = audienceFor(directory, userId, meeting, supplierId);
      if (!audience) continue;
      const minutes = Math.max(1, Math.round((startAtMs - options.nowMs) / 60_000));
      const where =
        typeof meeting.fields.location === 'string' && meeting.fields.location ? ` at ${meeting.fields.location}` : '';
      out.push({
        id: `meeting_reminder:${meeting.id}:${startAtMs}:${userId}`,
        userId,
        trigger: 'meeting_reminder',
        importance: DEFAULT_IMPORTANCE.meeting_reminder,
        title: `Starting soon: ${typeof title === 'string' && title ? title : 'meeting'}`,
        body: `${quoted(title, 'Your meeting')} starts at ${formatTime(startAtMs)}${where} (in ${minutes} min)`,
        link: linkFor(audience, 'calendar'),
        createdAtMs: dueAtMs,
        contact: contactOf(directory, userId),
      });
    }
  }
  return out;
}
