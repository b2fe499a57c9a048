// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { findDoubleBookings, startOfWeekMs } from '../src/calendar/week-geometry.ts';
import { type CalendarEvent, CalendarWeek } from '../src/calendar-week.tsx';

afterEach(cleanup);

const weekStartMs = startOfWeekMs(new Date(2026, 5, 10).getTime());
const at = (day: number, hour: number, minute = 0) => new Date(2026, 5, 8 + day, hour, minute).getTime();
const event = (
  id: string,
  start: number,
  end: number,
  status: CalendarEvent['status'] = 'confirmed',
): CalendarEvent => ({
  id,
  title: id,
  startMs: start,
  endMs: end,
  status,
});

describe('CalendarWeek', () => {
  test('R9.2 overlapping live meetings are flagged as a double booking at once; cancelled ones are not', () => {
    const events = [
      event('Tasting', at(1, 10), at(1, 11)),
      event('Venue visit', at(1, 10, 30), at(1, 12)),
      event('Call', at(1, 10), at(1, 11), 'cancelled'),
    ];
    expect(findDoubleBookings(events).map(([a, b]) => [a.id, b.id])).toEqual([['Tasting', 'Venue visit']]);
    render(<CalendarWeek weekStartMs={weekStartMs} events={events} />);
    expect(screen.getByRole('alert').textContent).toContain('Double booking: “Tasting” overlaps “Venue visit”');
    expect(screen.getByRole('button', { name: /Tasting, 10:00–11:00, confirmed, double booked/ })).toBeTruthy();
  });

  test('R9.2 someone else dragging an event shows where it is moving', () => {
    const moving: CalendarEvent = {
      ...event('Tasting', at(2, 9), at(2, 10)),
      remoteDrag: { startMs: at(3, 14), endMs: at(3, 15), byName: 'Sarah' },
    };
    render(<CalendarWeek weekStartMs={weekStartMs} events={[moving]} />);
    expect(screen.getByRole('status', { name: 'Sarah is moving Tasting to 14:00' })).toBeTruthy();
  });

  test('R9.1 Alt+arrow keys move an event by one slot or one day', () => {
    const onMove = vi.fn();
    render(<CalendarWeek weekStartMs={weekStartMs} events={[event('Tasting', at(2, 9), at(2, 10))]} onMove={onMove} />);
    const button = screen.getByRole('button', { name: /Tasting/ });
    fireEvent.keyDown(button, { key: 'ArrowDown', altKey: true });
    fireEvent.keyDown(button, { key: 'ArrowRight', altKey: true });
    expect(onMove.mock.calls).toEqual([
      ['Tasting', at(2, 9, 30), at(2, 10, 30)],
      ['Tasting', at(3, 9), at(3, 10)],
    ]);
  });

  test('R9.2 a drag crosses day boundaries: the same button follows the pointer into the next days and the move lands there', () => {
    const onMove = vi.fn();
    const onDragPreview = vi.fn();
    const { container } = render(
      <CalendarWeek
        weekStartMs={weekStartMs}
        events={[event('Tasting', at(1, 9), at(1, 10))]}
        onMove={onMove}
        onDragPreview={onDragPreview}
      />,
    );
    const grid = container.querySelector('.ws-calendar__grid') as HTMLElement;
    // 7 columns of 100 px; the grid starts at 07:00 (firstHour), 48 px per hour.
    grid.getBoundingClientRect = () => ({
      left: 0,
      top: 0,
      width: 700,
      height: 672,
      right: 700,
      bottom: 672,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    });
    const button = screen.getByRole('button', { name: /Tasting/ });
    button.getBoundingClientRect = () => ({
      left: 100,
      top: 96,
      width: 100,
      height: 48,
      right: 200,
      bottom: 144,
      x: 100,
      y: 96,
      toJSON: () => ({}),
    });
    fireEvent.pointerDown(button, { button: 0, pointerId: 1, clientX: 150, clientY: 96 });
    fireEvent.pointerMove(button, { pointerId: 1, clientX: 250, clientY: 96 });
    fireEvent.pointerMove(button, { pointerId: 1, clientX: 350, clientY: 96 });
    // Still the same element (a remount would have lost the pointer capture), shifted three columns.
    expect(screen.getByRole('button', { name: /Tasting/ })).toBe(button);
    expect(button.style.transform).toBe('translateX(200px)');
    fireEvent.pointerUp(button, { pointerId: 1 });
    expect(onDragPreview.mock.calls.map(([, preview]) => preview)).toEqual([
      { startMs: at(2, 9), endMs: at(2, 10) },
      { startMs: at(3, 9), endMs: at(3, 10) },
      null,
    ]);
    expect(onMove.mock.calls).toEqual([['Tasting', at(3, 9), at(3, 10)]]);
  });
});
