/**
 * The settings form of the notifications page over the preferences API (R5.2, `GET|PUT
 * /api/notifications/preferences`, validated by packages/notifications parsePreferences). A channel
 * box left ticked keeps the importance default (email for important, SMS for critical, push to
 * subscribed devices); unticked turns the channel off for every trigger. Per-trigger choices made
 * through the API are kept as they are.
 */
export interface NotificationSettings {
  email: boolean;
  sms: boolean;
  push: boolean;
  /** Quiet hours "HH:MM"; both empty = none. */
  quietStart: string;
  quietEnd: string;
  timeZone: string;
  includeCritical: boolean;
  /** E.164 number for SMS; empty = the account's. */
  phone: string;
}

type Preferences = Record<string, unknown>;

const record = (value: unknown): Preferences =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Preferences) : {};

export function notificationSettingsOf(preferences: Preferences, defaultTimeZone: string): NotificationSettings {
  const channels = record(preferences.channels);
  const quiet = record(preferences.quietHours);
  return {
    email: channels.email !== false,
    sms: channels.sms !== false,
    push: channels.push !== false,
    quietStart: typeof quiet.start === 'string' ? quiet.start : '',
    quietEnd: typeof quiet.end === 'string' ? quiet.end : '',
    timeZone: typeof quiet.timeZone === 'string' ? quiet.timeZone : defaultTimeZone,
    includeCritical: quiet.includeCritical === true,
    phone: typeof preferences.phone === 'string' ? preferences.phone : '',
  };
}

/** The preferences to PUT: `previous` with the form's channels, quiet hours and phone applied. */
export function preferencesFromSettings(settings: NotificationSettings, previous: Preferences): Preferences {
  const next: Preferences = { ...previous };
  const channels = { ...record(previous.channels) };
  for (const channel of ['email', 'sms', 'push'] as const) {
    if (settings[channel]) delete channels[channel];
    else channels[channel] = false;
  }
  if (Object.keys(channels).length > 0) next.channels = channels;
  else delete next.channels;
  if (settings.quietStart && settings.quietEnd) {
    next.quietHours = {
      start: settings.quietStart,
      end: settings.quietEnd,
      timeZone: settings.timeZone,
      ...(settings.includeCritical ? { includeCritical: true } : {}),
    };
  } else delete next.quietHours;
  if (settings.phone.trim()) next.phone = settings.phone.trim();
  else delete next.phone;
  return next;
}
