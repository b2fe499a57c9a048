import { z } from 'zod';

/**
 * Notifications on the wire (R5): the triggers and importances stored in `notifications` records and
 * the toast pushed to every device of the recipient on its `user:{userId}` topic.
 */

/** R5.2 triggers, plus the R3.2 propagation events, R9.1 reminders and R10.1 task assignment. */
export const NOTIFICATION_TRIGGERS = [
  'form_submitted',
  'journey_milestone',
  'client_message',
  'team_mention',
  'payment_received',
  'meeting_booked',
  'task_completed',
  'task_assigned',
  'guest_count_changed',
  'timeline_changed',
  'meeting_reminder',
] as const;
export type NotificationTrigger = (typeof NOTIFICATION_TRIGGERS)[number];

/** R5.1: every importance gets toast + bell; `important` adds email; `critical` adds email and SMS. */
export const NOTIFICATION_IMPORTANCES = ['normal', 'important', 'critical'] as const;
export type NotificationImportance = (typeof NOTIFICATION_IMPORTANCES)[number];

/** R5.1 kinds of delivery. `toast` and `bell` are in-app; the others leave through the outbox (R5.4). */
export const NOTIFICATION_CHANNELS = ['toast', 'bell', 'email', 'sms', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Event of the toast pushed on `user:{userId}` (server → client, not a channel-join event). */
export const NOTIFICATION_TOAST_EVENT = 'notification';

export const notificationToastSchema = z.object({
  /** The id of the `notifications` record (bell) it belongs to; show a toast once per id. */
  id: z.string().min(1).max(256),
  trigger: z.enum(NOTIFICATION_TRIGGERS),
  importance: z.enum(NOTIFICATION_IMPORTANCES),
  title: z.string(),
  body: z.string(),
  /** In-app path to open, e.g. `/clients/w-emma-james`. */
  link: z.string().optional(),
  /** ISO 8601. */
  createdAt: z.string(),
});
export type NotificationToast = z.infer<typeof notificationToastSchema>;
