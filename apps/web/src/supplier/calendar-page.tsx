import { CalendarWeek, startOfWeekMs } from '@wedsync/react-ui';
import { useMemo } from 'react';

/** The team calendar (R9): a week view; meetings arrive from the record store once it lands. */
export function CalendarPage() {
  const weekStartMs = useMemo(() => startOfWeekMs(Date.now()), []);
  return (
    <div className="page">
      <h1 className="page__title">Calendar</h1>
      <div className="card">
        <CalendarWeek weekStartMs={weekStartMs} events={[]} />
      </div>
    </div>
  );
}
