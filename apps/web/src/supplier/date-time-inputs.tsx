import { useId } from 'react';

export interface DateTimeInputsProps {
  /** Labels of the two inputs, e.g. "Date" / "Start" or "New date" / "New start". */
  dateLabel: string;
  timeLabel: string;
  /** `YYYY-MM-DD` and `HH:MM`, local time. */
  date: string;
  time: string;
  onDate: (date: string) => void;
  onTime: (time: string) => void;
}

/** A labelled local date and start-time pair, as booking and rescheduling a meeting use it (R9.1). */
export function DateTimeInputs(props: DateTimeInputsProps) {
  const id = useId();
  return (
    <>
      <span>
        <label htmlFor={`${id}-date`}>{props.dateLabel}</label>
        <input
          id={`${id}-date`}
          type="date"
          className="ws-input"
          value={props.date}
          onChange={(e) => props.onDate(e.target.value)}
        />
      </span>
      <span>
        <label htmlFor={`${id}-time`}>{props.timeLabel}</label>
        <input
          id={`${id}-time`}
          type="time"
          className="ws-input"
          value={props.time}
          onChange={(e) => props.onTime(e.target.value)}
        />
      </span>
    </>
  );
}
