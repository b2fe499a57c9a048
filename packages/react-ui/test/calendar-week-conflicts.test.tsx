// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { startOfWeekMs } from '../src/calendar/week-geometry.ts';
import { type CalendarEvent, CalendarWeek } from '../src/calendar-week.tsx';

afterEach(cleanup);

const weekStartMs = startOfWeekMs(new Date(2026, 5, 10).getTime());
const at = (day: number, hour: number) => new Date(2026, 5, 8 + day, hour).getTime();
const event = (id: string, start: number, end: number): CalendarEvent => ({
  id,
  title: id,
  startMs: start,
  endMs: end,
  status: 'confirmed',
});

describe('CalendarWeek with the caller’s double bookings', () => {
  test('R9.2 given conflicts replace the naive overlap check: overlapping events of different people are not flagged', () => {
    const events = [event('Sarah shoot', at(1, 10), at(1, 11)), event('Bob edit', at(1, 10), at(1, 11))];
    render(<CalendarWeek weekStartMs={weekStartMs} events={events} conflicts={[]} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Sarah shoot, 10:00–11:00, confirmed' })).toBeTruthy();
  });

  test('R9.2 a given conflict is warned and marks its events as double booked', () => {
    const events = [event('Tasting', at(2, 9), at(2, 10)), event('Call', at(4, 9), at(4, 10))];
    render(
      <CalendarWeek
        weekStartMs={weekStartMs}
        events={events}
        conflicts={[{ key: 'busy', eventIds: ['Tasting'], text: 'Sarah is busy elsewhere 09:00–10:00' }]}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('Sarah is busy elsewhere 09:00–10:00');
    expect(screen.getByRole('button', { name: /Tasting, 09:00–10:00, confirmed, double booked/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Call, 09:00–10:00, confirmed' })).toBeTruthy();
  });
});
