/** Pure week-view arithmetic for CalendarWeek (R9.2). Times are epoch ms; days are local days. */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export interface TimedEvent {
  id: string;
  title: string;
  startMs: number;
  endMs: number;
  status: 'confirmed' | 'tentative' | 'cancelled';
}

/** Local midnight of the Monday of the week containing `atMs`. */
export function startOfWeekMs(atMs: number): number {
  const date = new Date(atMs);
  date.setHours(0, 0, 0, 0);
  const mondayOffset = (date.getDay() + 6) % 7;
  date.setDate(date.getDate() - mondayOffset);
  return date.getTime();
}

/** Local midnight of day `index` (0 = Monday) of the week starting at `weekStartMs`. */
export function dayStartMs(weekStartMs: number, index: number): number {
  const date = new Date(weekStartMs);
  date.setDate(date.getDate() + index);
  return date.getTime();
}

/** Which day column (0–6) an instant falls in, or -1 outside the week. */
export function dayIndexOf(weekStartMs: number, atMs: number): number {
  for (let index = 0; index < 7; index++) {
    if (atMs >= dayStartMs(weekStartMs, index) && atMs < dayStartMs(weekStartMs, index + 1)) return index;
  }
  return -1;
}

/** Minutes since local midnight. */
export function minuteOfDay(atMs: number): number {
  const date = new Date(atMs);
  return date.getHours() * 60 + date.getMinutes();
}

export function snapMinutes(minutes: number, slotMinutes: number): number {
  return Math.round(minutes / slotMinutes) * slotMinutes;
}

/**
 * Pairs of live (not cancelled) events that overlap in time: the double bookings of R9.2.
 * Sorted sweep: O(n log n + pairs).
 */
export function findDoubleBookings<T extends TimedEvent>(events: readonly T[]): [T, T][] {
  const live = events.filter((event) => event.status !== 'cancelled').toSorted((a, b) => a.startMs - b.startMs);
  const pairs: [T, T][] = [];
  for (let i = 0; i < live.length; i++) {
    const first = live[i];
    if (!first) continue;
    for (let j = i + 1; j < live.length; j++) {
      const second = live[j];
      if (!second || second.startMs >= first.endMs) break;
      pairs.push([first, second]);
    }
  }
  return pairs;
}

/** Moves an event keeping its duration. */
export function moveEvent(
  event: { startMs: number; endMs: number },
  newStartMs: number,
): { startMs: number; endMs: number } {
  return { startMs: newStartMs, endMs: newStartMs + (event.endMs - event.startMs) };
}
