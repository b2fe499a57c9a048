import type { NotificationImportance, NotificationTrigger } from '@wedsync/protocol';

/**
 * A notification for one person, decided by the WedSync model (R5.2). Structurally the
 * `NotificationIntent` of `@wedsync/notifications` (this package does not depend on it): the app
 * hands these to the notification pump, which routes, stores and delivers them.
 */
export interface WeddingNotification {
  /** `{trigger}:{causeSeq}:{userId}`, or `meeting_reminder:{meetingId}:{startAtMs}:{userId}`. */
  id: string;
  userId: string;
  trigger: NotificationTrigger;
  importance: NotificationImportance;
  title: string;
  body: string;
  link?: string;
  causeSeq?: number;
  createdAtMs: number;
  contact?: { email?: string; phone?: string; name?: string };
}

/**
 * Default importance per trigger (R5.2), which picks the channels (R5.1): `important` adds email,
 * `critical` adds SMS. Each person's preferences override per trigger and channel.
 */
export const DEFAULT_IMPORTANCE: Record<NotificationTrigger, NotificationImportance> = {
  form_submitted: 'important',
  journey_milestone: 'normal',
  client_message: 'important',
  team_mention: 'important',
  payment_received: 'important',
  meeting_booked: 'normal',
  task_completed: 'normal',
  task_assigned: 'normal',
  guest_count_changed: 'important',
  timeline_changed: 'normal',
  meeting_reminder: 'critical',
};
