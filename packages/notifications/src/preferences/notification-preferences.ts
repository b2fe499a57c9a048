import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TRIGGERS,
  type NotificationChannel,
  type NotificationTrigger,
} from '@wedsync/protocol';

/**
 * A person's notification preferences (R5.2: "each user's preferences override"). Precedence per
 * channel: `triggers[trigger][channel]`, then `channels[channel]`, then the importance default.
 */
export interface NotificationPreferences {
  /** Per trigger and channel: true turns the channel on for that trigger, false off. */
  triggers?: Partial<Record<NotificationTrigger, Partial<Record<NotificationChannel, boolean>>>>;
  /** Per channel for every trigger. */
  channels?: Partial<Record<NotificationChannel, boolean>>;
  /**
   * While quiet (local time in `timeZone`, `start` ≤ t < `end`, may wrap midnight), SMS and push are
   * held until the quiet hours end — never dropped. Critical notifications go through unless
   * `includeCritical` is true. Toast, bell and email are not held (they do not wake anyone).
   */
  quietHours?: { start: string; end: string; timeZone: string; includeCritical?: boolean };
  /** Address for email instead of the account's. */
  email?: string;
  /** E.164 number for SMS (accounts have none by default, so SMS needs one here or in the contact). */
  phone?: string;
}

export class PreferencesError extends Error {
  readonly code = 'VALIDATION_FAILED';
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/** Validates untrusted JSON into preferences; throws PreferencesError naming the bad path. */
export function parsePreferences(input: unknown): NotificationPreferences {
  const fail = (path: string, expected: string): never => {
    throw new PreferencesError(`preferences.${path}: expected ${expected}`);
  };
  if (!isObject(input)) return fail('(root)', 'an object');
  const out: NotificationPreferences = {};
  for (const key of Object.keys(input)) {
    if (!['triggers', 'channels', 'quietHours', 'email', 'phone'].includes(key)) fail(key, 'no such setting');
  }
  if (input.triggers !== undefined) {
    if (!isObject(input.triggers)) fail('triggers', 'an object');
    out.triggers = {};
    for (const [trigger, channels] of Object.entries(input.triggers as Record<string, unknown>)) {
      if (!(NOTIFICATION_TRIGGERS as readonly string[]).includes(trigger)) fail(`triggers.${trigger}`, 'a trigger');
      out.triggers[trigger as NotificationTrigger] = parseChannels(channels, `triggers.${trigger}`, fail);
    }
  }
  if (input.channels !== undefined) out.channels = parseChannels(input.channels, 'channels', fail);
  if (input.quietHours !== undefined && input.quietHours !== null) {
    const quiet = input.quietHours;
    if (!isObject(quiet)) return fail('quietHours', 'an object');
    if (typeof quiet.start !== 'string' || !HH_MM.test(quiet.start)) fail('quietHours.start', '"HH:MM"');
    if (typeof quiet.end !== 'string' || !HH_MM.test(quiet.end)) fail('quietHours.end', '"HH:MM"');
    if (typeof quiet.timeZone !== 'string' || !validTimeZone(quiet.timeZone)) {
      fail('quietHours.timeZone', 'an IANA time zone such as "Europe/London"');
    }
    if (quiet.includeCritical !== undefined && typeof quiet.includeCritical !== 'boolean') {
      fail('quietHours.includeCritical', 'a boolean');
    }
    out.quietHours = {
      start: quiet.start as string,
      end: quiet.end as string,
      timeZone: quiet.timeZone as string,
      ...(quiet.includeCritical === true ? { includeCritical: true } : {}),
    };
  }
  if (input.email !== undefined && input.email !== null) {
    if (typeof input.email !== 'string' || !EMAIL.test(input.email)) fail('email', 'an email address');
    out.email = input.email as string;
  }
  if (input.phone !== undefined && input.phone !== null) {
    if (typeof input.phone !== 'string' || !E164.test(input.phone)) fail('phone', 'an E.164 number like +447700900123');
    out.phone = input.phone as string;
  }
  return out;
}

function parseChannels(
  value: unknown,
  path: string,
  fail: (path: string, expected: string) => never,
): Partial<Record<NotificationChannel, boolean>> {
  if (!isObject(value)) return fail(path, 'an object of channel → boolean');
  const out: Partial<Record<NotificationChannel, boolean>> = {};
  for (const [channel, on] of Object.entries(value)) {
    if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(channel)) fail(`${path}.${channel}`, 'a channel');
    if (typeof on !== 'boolean') fail(`${path}.${channel}`, 'a boolean');
    out[channel as NotificationChannel] = on as boolean;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}
