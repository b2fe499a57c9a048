import type { NotificationChannel, NotificationImportance } from '@wedsync/protocol';
import type { NotificationIntent } from '../notification-intent.ts';
import type { NotificationPreferences } from '../preferences/notification-preferences.ts';
import { quietHoursEndMs } from './quiet-hours.ts';

/** A stored Web Push subscription of one device. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * Default channels per importance (R5.1, R5.2): toast and bell for all, email for important and
 * critical, SMS for critical only, push to every subscribed device of the person.
 */
export const DEFAULT_CHANNELS: Record<NotificationImportance, readonly NotificationChannel[]> = {
  normal: ['toast', 'bell', 'push'],
  important: ['toast', 'bell', 'email', 'push'],
  critical: ['toast', 'bell', 'email', 'sms', 'push'],
};

/** What routing decided for one channel (kept as the notification's `plan`, visible in the outbox view). */
export type ChannelDecision =
  | { channel: NotificationChannel; decision: 'send'; target?: string; notBeforeMs?: number }
  | { channel: NotificationChannel; decision: 'off'; reason: 'default' | 'preference' }
  | { channel: NotificationChannel; decision: 'no_target'; reason: string };

/**
 * Routes one notification (R5.2): the importance default, overridden per channel by the person's
 * preferences (trigger entry, then channel entry); quiet hours hold SMS and push until they end
 * (critical ones pass unless `includeCritical`). Email needs an address, SMS a number, push a
 * subscribed device (one decision per device).
 */
export function routeNotification(
  intent: NotificationIntent,
  preferences: NotificationPreferences,
  pushTargets: readonly PushTarget[],
  nowMs: number,
): ChannelDecision[] {
  const defaults = DEFAULT_CHANNELS[intent.importance];
  const quiet = preferences.quietHours;
  const heldUntil =
    quiet && (intent.importance !== 'critical' || quiet.includeCritical === true)
      ? quietHoursEndMs(quiet, nowMs)
      : undefined;
  const decisions: ChannelDecision[] = [];
  for (const channel of ['toast', 'bell', 'email', 'sms', 'push'] as const) {
    const chosen = preferences.triggers?.[intent.trigger]?.[channel] ?? preferences.channels?.[channel];
    const on = chosen ?? defaults.includes(channel);
    if (!on) {
      decisions.push({ channel, decision: 'off', reason: chosen === false ? 'preference' : 'default' });
      continue;
    }
    const hold = (channel === 'sms' || channel === 'push') && heldUntil !== undefined ? { notBeforeMs: heldUntil } : {};
    if (channel === 'email') {
      const email = preferences.email ?? intent.contact?.email;
      decisions.push(
        email
          ? { channel, decision: 'send', target: email }
          : { channel, decision: 'no_target', reason: 'no email address' },
      );
    } else if (channel === 'sms') {
      const phone = preferences.phone ?? intent.contact?.phone;
      decisions.push(
        phone
          ? { channel, decision: 'send', target: phone, ...hold }
          : { channel, decision: 'no_target', reason: 'no phone number' },
      );
    } else if (channel === 'push') {
      if (pushTargets.length === 0) decisions.push({ channel, decision: 'no_target', reason: 'no subscribed device' });
      for (const target of pushTargets) decisions.push({ channel, decision: 'send', target: target.endpoint, ...hold });
    } else {
      decisions.push({ channel, decision: 'send' });
    }
  }
  return decisions;
}
