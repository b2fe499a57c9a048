import { type FormEvent, useId, useState } from 'react';
import { DateTimeInputs } from './date-time-inputs.tsx';
import type { KnownPerson } from './supplier-context.tsx';

export interface NewMeeting {
  title: string;
  weddingId: string | null;
  startMs: number;
  endMs: number;
  location: string;
  attendeeIds: string[];
}

export interface MeetingFormProps {
  clients: readonly { id: string; name: string }[];
  team: readonly KnownPerson[];
  myUserId: string;
  /** Day shown first in the date field, local "YYYY-MM-DD". */
  defaultDate: string;
  onCreate: (meeting: NewMeeting) => void;
  disabled?: boolean;
}

const DURATIONS_MIN = [30, 60, 90, 120];

/** "YYYY-MM-DD" of a local day. */
export function localDateText(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** Epoch ms of a local date ("YYYY-MM-DD") and time ("HH:MM"), or NaN. */
export function localMs(dateText: string, timeText: string): number {
  const [year, month, day] = dateText.split('-').map(Number);
  const [hours, minutes] = timeText.split(':').map(Number);
  if (![year, month, day, hours, minutes].every((part) => Number.isInteger(part))) return Number.NaN;
  return new Date(year ?? 0, (month ?? 1) - 1, day ?? 1, hours ?? 0, minutes ?? 0).getTime();
}

/** Books a meeting (R9.1): with a client (it lives in their wedding) or team-only, with team attendees. */
export function MeetingForm({ clients, team, myUserId, defaultDate, onCreate, disabled }: MeetingFormProps) {
  const id = useId();
  const [title, setTitle] = useState('');
  const [weddingId, setWeddingId] = useState('');
  const [date, setDate] = useState(defaultDate);
  const [time, setTime] = useState('10:00');
  const [durationMin, setDurationMin] = useState(60);
  const [location, setLocation] = useState('');
  const [attendees, setAttendees] = useState<ReadonlySet<string>>(() => new Set([myUserId]));
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const startMs = localMs(date, time);
    if (!title.trim()) return setError('Give the meeting a title.');
    if (!Number.isFinite(startMs)) return setError('Pick a date and a start time.');
    setError(null);
    onCreate({
      title: title.trim(),
      weddingId: weddingId || null,
      startMs,
      endMs: startMs + durationMin * 60_000,
      location: location.trim(),
      attendeeIds: [...attendees],
    });
    setTitle('');
  };

  return (
    <form className="meeting-form" aria-label="New meeting" onSubmit={submit}>
      <h2 className="ws-section-title">New meeting</h2>
      <label htmlFor={`${id}-title`}>Title</label>
      <input id={`${id}-title`} className="ws-input" value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor={`${id}-client`}>Client</label>
      <select id={`${id}-client`} className="ws-input" value={weddingId} onChange={(e) => setWeddingId(e.target.value)}>
        <option value="">Team only</option>
        {clients.map((client) => (
          <option key={client.id} value={client.id}>
            {client.name}
          </option>
        ))}
      </select>
      <div className="meeting-form__row">
        <DateTimeInputs dateLabel="Date" timeLabel="Start" date={date} time={time} onDate={setDate} onTime={setTime} />
        <span>
          <label htmlFor={`${id}-duration`}>Length</label>
          <select
            id={`${id}-duration`}
            className="ws-input"
            value={durationMin}
            onChange={(e) => setDurationMin(Number(e.target.value))}
          >
            {DURATIONS_MIN.map((minutes) => (
              <option key={minutes} value={minutes}>
                {minutes} min
              </option>
            ))}
          </select>
        </span>
      </div>
      <label htmlFor={`${id}-location`}>Location</label>
      <input
        id={`${id}-location`}
        className="ws-input"
        value={location}
        onChange={(e) => setLocation(e.target.value)}
      />
      <fieldset className="ws-fieldset meeting-form__attendees">
        <legend>Attendees</legend>
        {team.map((person) => (
          <label key={person.id} className="meeting-form__attendee">
            <input
              type="checkbox"
              checked={attendees.has(person.id)}
              onChange={(e) => {
                const next = new Set(attendees);
                if (e.target.checked) next.add(person.id);
                else next.delete(person.id);
                setAttendees(next);
              }}
            />{' '}
            {person.name}
          </label>
        ))}
      </fieldset>
      {error ? (
        <p role="alert" className="meeting-form__error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="ws-button ws-button--primary" disabled={disabled}>
        Book meeting
      </button>
    </form>
  );
}
