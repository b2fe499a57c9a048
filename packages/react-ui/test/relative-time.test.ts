import { describe, expect, test } from 'vitest';
import { formatCountdown, formatRelativeTime, timeGroupOf } from '../src/time/relative-time.ts';

describe('relative time wording', () => {
  const nowMs = new Date(2026, 5, 10, 15, 0).getTime();
  test('R11.3 "Last synced: 2 minutes ago" style wording', () => {
    expect(formatRelativeTime(nowMs - 3_000, nowMs)).toBe('just now');
    expect(formatRelativeTime(nowMs - 45_000, nowMs)).toBe('45 seconds ago');
    expect(formatRelativeTime(nowMs - 60_000, nowMs)).toBe('1 minute ago');
    expect(formatRelativeTime(nowMs - 150_000, nowMs)).toBe('2 minutes ago');
    expect(formatRelativeTime(nowMs - 3 * 3_600_000, nowMs)).toBe('3 hours ago');
    expect(formatRelativeTime(nowMs - 49 * 3_600_000, nowMs)).toBe('2 days ago');
  });
  test('R8.2 countdown wording', () => {
    expect(formatCountdown(0)).toBe('now');
    expect(formatCountdown(12_000)).toBe('12 s');
    expect(formatCountdown(125_000)).toBe('2 min 05 s');
    expect(formatCountdown(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
  });
  test('R5.3 time groups by local calendar day', () => {
    expect(timeGroupOf(nowMs - 3_600_000, nowMs)).toBe('Today');
    expect(timeGroupOf(new Date(2026, 5, 9, 23, 0).getTime(), nowMs)).toBe('Yesterday');
    expect(timeGroupOf(new Date(2026, 5, 6, 9, 0).getTime(), nowMs)).toBe('Earlier this week');
    expect(timeGroupOf(new Date(2026, 4, 1).getTime(), nowMs)).toBe('Older');
  });
});
