import { type PointerEvent as ReactPointerEvent, useMemo, useRef, useState } from 'react';
import {
  DAY_MS,
  dayIndexOf,
  dayStartMs,
  findDoubleBookings,
  MINUTE_MS,
  minuteOfDay,
  moveEvent,
  snapMinutes,
  type TimedEvent,
} from './calendar/week-geometry.ts';
import { formatClockTime } from './time/relative-time.ts';

export interface CalendarEvent extends TimedEvent {
  clientName?: string;
  attendees?: readonly string[];
  /** Someone else is dragging this event right now (R9.2): where it would land and who drags it. */
  remoteDrag?: { startMs: number; endMs: number; byName: string } | null;
}

/** A double-booking warning computed by the caller (e.g. per attendee, with the server's busy times). */
export interface CalendarConflictNotice {
  key: string;
  /** Events of this week to mark as double booked. */
  eventIds: readonly string[];
  /** The warning's sentence, e.g. "Sarah Bennett is double booked: “Tasting” overlaps “Call” (10:00)". */
  text: string;
}

export interface CalendarWeekProps {
  /** Local midnight of the Monday to show. */
  weekStartMs: number;
  events: readonly CalendarEvent[];
  /** First and last hour shown; default 7–21. */
  firstHour?: number;
  lastHour?: number;
  /** Snap for dragging and keyboard moves; default 30 min. */
  slotMinutes?: number;
  /** Live drag preview for others to see (null when the drag ends or is cancelled). */
  onDragPreview?: (eventId: string, preview: { startMs: number; endMs: number } | null) => void;
  /** A finished move (drop, or Alt+arrow keys). */
  onMove?: (eventId: string, startMs: number, endMs: number) => void;
  onSelect?: (event: CalendarEvent) => void;
  /**
   * Double bookings as the caller knows them (R9.2). Without it, any two overlapping live events count
   * as one — right for a single person's calendar, too eager for a team's (different attendees).
   */
  conflicts?: readonly CalendarConflictNotice[];
}

const HOUR_PX = 48;
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * A week view (R9.2): events fade in, status colours, double-booking warning, drag to reschedule with
 * a live preview callback, and others' drags shown as a moving ghost. Keyboard: Alt+↑/↓ moves by one
 * slot, Alt+←/→ by one day.
 */
export function CalendarWeek(props: CalendarWeekProps) {
  const { weekStartMs, events, firstHour = 7, lastHour = 21, slotMinutes = 30 } = props;
  const gridRef = useRef<HTMLDivElement>(null);
  /**
   * The event being dragged here. It stays in its own day's column while dragged (moving it into another
   * column would remount its button and lose the pointer capture, ending the drag at the first day
   * boundary) and is shifted sideways by whole columns instead; `columnWidthPx` is read at pointer-down.
   */
  const [drag, setDrag] = useState<{
    id: string;
    startMs: number;
    endMs: number;
    grabOffsetMin: number;
    columnWidthPx: number;
  } | null>(null);
  const notices = useMemo<readonly CalendarConflictNotice[]>(
    () =>
      props.conflicts ??
      findDoubleBookings(events).map(([a, b]) => ({
        key: `${a.id}-${b.id}`,
        eventIds: [a.id, b.id],
        text: `Double booking: “${a.title}” overlaps “${b.title}” (${formatClockTime(b.startMs)})`,
      })),
    [events, props.conflicts],
  );
  const conflicted = useMemo(() => new Set(notices.flatMap((notice) => notice.eventIds)), [notices]);
  const heightPx = (lastHour - firstHour) * HOUR_PX;

  const positionOf = (startMs: number, endMs: number) => {
    const top = ((minuteOfDay(startMs) - firstHour * 60) / 60) * HOUR_PX;
    const height = Math.max(18, ((endMs - startMs) / MINUTE_MS / 60) * HOUR_PX);
    return { top, height };
  };

  const pointToStartMs = (event: ReactPointerEvent, grabOffsetMin: number): number | null => {
    const grid = gridRef.current;
    if (!grid) return null;
    const rect = grid.getBoundingClientRect();
    if (rect.width === 0) return null;
    const day = Math.min(6, Math.max(0, Math.floor(((event.clientX - rect.left) / rect.width) * 7)));
    const minutes = firstHour * 60 + ((event.clientY - rect.top) / HOUR_PX) * 60 - grabOffsetMin;
    const snapped = Math.min(Math.max(snapMinutes(minutes, slotMinutes), firstHour * 60), lastHour * 60 - slotMinutes);
    return dayStartMs(weekStartMs, day) + snapped * MINUTE_MS;
  };

  const finishDrag = (commit: boolean) => {
    if (!drag) return;
    const original = events.find((event) => event.id === drag.id);
    setDrag(null);
    props.onDragPreview?.(drag.id, null);
    if (commit && original && original.startMs !== drag.startMs) props.onMove?.(drag.id, drag.startMs, drag.endMs);
  };

  const hours = Array.from({ length: lastHour - firstHour }, (_, offset) => firstHour + offset);
  const days = Array.from({ length: 7 }, (_, index) => dayStartMs(weekStartMs, index));
  const byDay = days.map((_, index) => events.filter((event) => dayIndexOf(weekStartMs, event.startMs) === index));

  return (
    <section className="ws-calendar" aria-label="Week calendar">
      {notices.length > 0 ? (
        <div role="alert" className="ws-calendar__warning">
          {notices.map((notice) => (
            <p key={notice.key}>
              <span aria-hidden="true">⚠</span> {notice.text}
            </p>
          ))}
        </div>
      ) : null}
      <div className="ws-calendar__head" aria-hidden="true">
        <span />
        {days.map((dayMs, index) => (
          <span key={dayMs} className="ws-calendar__day-name">
            {DAY_NAMES[index]} {new Date(dayMs).getDate()}
          </span>
        ))}
      </div>
      <div className="ws-calendar__body">
        <div className="ws-calendar__gutter" style={{ height: heightPx }} aria-hidden="true">
          {hours.map((hour) => (
            <span key={hour} style={{ top: (hour - firstHour) * HOUR_PX }}>
              {String(hour).padStart(2, '0')}:00
            </span>
          ))}
        </div>
        <div
          ref={gridRef}
          className="ws-calendar__grid"
          style={{ height: heightPx, backgroundSize: `100% ${HOUR_PX}px` }}
        >
          {days.map((dayMs, index) => (
            <ul key={dayMs} className="ws-calendar__column" aria-label={new Date(dayMs).toDateString()}>
              {(byDay[index] ?? []).map((event) => {
                const dragging = drag?.id === event.id;
                const shown = dragging ? drag : event;
                const { top, height } = positionOf(shown.startMs, shown.endMs);
                const dayShift = dragging
                  ? dayIndexOf(weekStartMs, drag.startMs) - dayIndexOf(weekStartMs, event.startMs)
                  : 0;
                const transform = dayShift !== 0 ? `translateX(${dayShift * (drag?.columnWidthPx ?? 0)}px)` : undefined;
                const label = `${event.title}, ${formatClockTime(event.startMs)}–${formatClockTime(event.endMs)}, ${event.status}${conflicted.has(event.id) ? ', double booked' : ''}`;
                return (
                  <li key={event.id} className="ws-calendar__slot">
                    <button
                      type="button"
                      className="ws-calendar__event"
                      data-status={event.status}
                      data-conflict={conflicted.has(event.id) || undefined}
                      data-dragging={dragging || undefined}
                      data-remote-drag={event.remoteDrag ? true : undefined}
                      style={{ top, height, transform }}
                      aria-label={label}
                      onClick={() => props.onSelect?.(event)}
                      onPointerDown={(pointer) => {
                        if (!props.onMove || pointer.button !== 0) return;
                        pointer.currentTarget.setPointerCapture?.(pointer.pointerId);
                        const grabOffsetMin =
                          ((pointer.clientY - pointer.currentTarget.getBoundingClientRect().top) / HOUR_PX) * 60;
                        const columnWidthPx = (gridRef.current?.getBoundingClientRect().width ?? 0) / 7;
                        setDrag({
                          id: event.id,
                          startMs: event.startMs,
                          endMs: event.endMs,
                          grabOffsetMin,
                          columnWidthPx,
                        });
                      }}
                      onPointerMove={(pointer) => {
                        if (!dragging || !drag) return;
                        const startMs = pointToStartMs(pointer, drag.grabOffsetMin);
                        if (startMs == null || startMs === drag.startMs) return;
                        const next = moveEvent(event, startMs);
                        setDrag({ ...drag, ...next });
                        props.onDragPreview?.(event.id, next);
                      }}
                      onPointerUp={() => finishDrag(true)}
                      onPointerCancel={() => finishDrag(false)}
                      onKeyDown={(key) => {
                        if (!key.altKey || !props.onMove) return;
                        const deltaMs = {
                          ArrowUp: -slotMinutes * MINUTE_MS,
                          ArrowDown: slotMinutes * MINUTE_MS,
                          ArrowLeft: -DAY_MS,
                          ArrowRight: DAY_MS,
                        }[key.key];
                        if (deltaMs === undefined) return;
                        key.preventDefault();
                        const next = moveEvent(event, event.startMs + deltaMs);
                        props.onMove(event.id, next.startMs, next.endMs);
                      }}
                    >
                      <span className="ws-calendar__event-time">{formatClockTime(shown.startMs)}</span>
                      <span className="ws-calendar__event-title">{event.title}</span>
                      {event.clientName ? <span className="ws-calendar__event-client">{event.clientName}</span> : null}
                    </button>
                  </li>
                );
              })}
              {events.flatMap((event) => {
                const remote = event.remoteDrag;
                if (!remote || dayIndexOf(weekStartMs, remote.startMs) !== index) return [];
                return [
                  <li
                    key={`ghost-${event.id}`}
                    className="ws-calendar__ghost"
                    style={positionOf(remote.startMs, remote.endMs)}
                    role="status"
                    aria-label={`${remote.byName} is moving ${event.title} to ${formatClockTime(remote.startMs)}`}
                  >
                    {remote.byName} is moving “{event.title}”
                  </li>,
                ];
              })}
            </ul>
          ))}
        </div>
      </div>
    </section>
  );
}
