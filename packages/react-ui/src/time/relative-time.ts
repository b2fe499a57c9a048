/**
 * Human wording for times relative to "now" (R3.3 last update, R11.3 "Last synced: 2 minutes ago").
 * Pure functions: callers pass both instants in epoch milliseconds so tests need no clock.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** "just now" under 10 s, then "N seconds/minutes/hours/days ago"; future instants read as "just now". */
export function formatRelativeTime(thenMs: number, nowMs: number): string {
  const elapsedMs = nowMs - thenMs;
  if (elapsedMs < 10 * SECOND_MS) return 'just now';
  if (elapsedMs < MINUTE_MS) return `${plural(Math.floor(elapsedMs / SECOND_MS), 'second')} ago`;
  if (elapsedMs < HOUR_MS) return `${plural(Math.floor(elapsedMs / MINUTE_MS), 'minute')} ago`;
  if (elapsedMs < DAY_MS) return `${plural(Math.floor(elapsedMs / HOUR_MS), 'hour')} ago`;
  return `${plural(Math.floor(elapsedMs / DAY_MS), 'day')} ago`;
}

/** Countdown wording such as "2 d 3 h", "4 min 05 s", "12 s"; "now" once due. */
export function formatCountdown(remainingMs: number): string {
  if (remainingMs <= 0) return 'now';
  const totalSeconds = Math.ceil(remainingMs / SECOND_MS);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${seconds} s`;
}

/** Local clock time such as "14:05". */
export function formatClockTime(atMs: number): string {
  const date = new Date(atMs);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export type TimeGroup = 'Today' | 'Yesterday' | 'Earlier this week' | 'Older';

/** Buckets an instant for grouped lists (R5.3), by local calendar day. */
export function timeGroupOf(atMs: number, nowMs: number): TimeGroup {
  const startOfToday = new Date(nowMs);
  startOfToday.setHours(0, 0, 0, 0);
  const todayMs = startOfToday.getTime();
  if (atMs >= todayMs) return 'Today';
  if (atMs >= todayMs - DAY_MS) return 'Yesterday';
  if (atMs >= todayMs - 6 * DAY_MS) return 'Earlier this week';
  return 'Older';
}

export const TIME_GROUP_ORDER: readonly TimeGroup[] = ['Today', 'Yesterday', 'Earlier this week', 'Older'];
