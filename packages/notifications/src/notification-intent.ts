import type { NotificationImportance, NotificationTrigger } from '@wedsync/protocol';

/**
 * One notification for one recipient, as a trigger decided it (R5.2). Produced by the product model
 * (the wedding package), already projected for the recipient (R14.2: its text never mentions a field
 * not shared with the recipient's side). The notifications engine routes, stores and delivers it.
 */
export interface NotificationIntent {
  /**
   * Deterministic, so writing the same cause twice is a no-op: `{trigger}:{causeSeq}:{userId}` for a
   * change of the log, `meeting_reminder:{meetingId}:{startAtMs}:{userId}` for a reminder. At most
   * 200 characters; also the id of the bell record.
   */
  id: string;
  userId: string;
  trigger: NotificationTrigger;
  importance: NotificationImportance;
  title: string;
  body: string;
  /** In-app path, e.g. `/clients/w-emma-james`. */
  link?: string;
  /** `seq` of the change that caused it; absent for time-driven ones (reminders). */
  causeSeq?: number;
  createdAtMs: number;
  /** How external channels reach the person, from the product's directory; preferences override. */
  contact?: { email?: string; phone?: string; name?: string };
}

/** The channels the outbox delivers through. `inapp` = the bell record plus the toast (R5.1, R5.3). */
export const JOB_CHANNELS = ['inapp', 'email', 'sms', 'push'] as const;
export type JobChannel = (typeof JOB_CHANNELS)[number];
