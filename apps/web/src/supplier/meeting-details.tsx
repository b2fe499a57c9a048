import type { RecordView } from '@wedsync/client';
import { formatClockTime } from '@wedsync/react-ui';
import { useEffect, useState } from 'react';
import { DateTimeInputs } from './date-time-inputs.tsx';
import { localDateText, localMs } from './meeting-form.tsx';

export interface MeetingDetailsProps {
  meeting: RecordView;
  clientName: string | null;
  attendeeNames: readonly string[];
  onReschedule: (startMs: number, endMs: number) => void;
  onCancel: () => void;
  onRestore: () => void;
  onClose: () => void;
  readOnly?: boolean;
}

/** One meeting (R9.1): when, with whom, and reschedule / cancel — each synced to everyone at once. */
export function MeetingDetails(props: MeetingDetailsProps) {
  const { meeting } = props;
  const startMs = Number(meeting.fields.startAtMs);
  const endMs = Number(meeting.fields.endAtMs);
  const [date, setDate] = useState(localDateText(startMs));
  const [time, setTime] = useState(formatClockTime(startMs));
  // Someone else's reschedule replaces what the form shows.
  useEffect(() => {
    setDate(localDateText(startMs));
    setTime(formatClockTime(startMs));
  }, [startMs]);
  const cancelled = meeting.fields.status === 'cancelled';
  const title = String(meeting.fields.title ?? 'Meeting');

  return (
    <section className="meeting-details" aria-label={`Meeting ${title}`}>
      <header className="meeting-details__header">
        <h2 className="ws-section-title">{title}</h2>
        <button type="button" className="ws-icon-button" aria-label="Close meeting details" onClick={props.onClose}>
          ×
        </button>
      </header>
      <p>
        {new Date(startMs).toDateString()}, {formatClockTime(startMs)}–{formatClockTime(endMs)}
        {cancelled ? <strong className="meeting-details__cancelled"> · Cancelled</strong> : null}
      </p>
      {props.clientName ? (
        <p className="ws-muted">Client: {props.clientName}</p>
      ) : (
        <p className="ws-muted">Team only</p>
      )}
      {meeting.fields.location ? <p className="ws-muted">Where: {String(meeting.fields.location)}</p> : null}
      <p className="ws-muted">With: {props.attendeeNames.join(', ') || 'nobody yet'}</p>
      {props.readOnly ? null : (
        <>
          <form
            className="meeting-form__row"
            aria-label="Reschedule"
            onSubmit={(event) => {
              event.preventDefault();
              const nextStart = localMs(date, time);
              if (Number.isFinite(nextStart)) props.onReschedule(nextStart, nextStart + (endMs - startMs));
            }}
          >
            <DateTimeInputs
              dateLabel="New date"
              timeLabel="New start"
              date={date}
              time={time}
              onDate={setDate}
              onTime={setTime}
            />
            <button type="submit" className="ws-button">
              Reschedule
            </button>
          </form>
          {cancelled ? (
            <button type="button" className="ws-button" onClick={props.onRestore}>
              Restore meeting
            </button>
          ) : (
            <button type="button" className="ws-button ws-button--danger" onClick={props.onCancel}>
              Cancel meeting
            </button>
          )}
        </>
      )}
    </section>
  );
}
