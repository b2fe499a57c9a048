import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface FormFillStatusProps {
  formName: string;
  /** Who is filling it now, if anyone (R3.4 "Currently filling"). */
  fillingByName?: string | null;
  answered: number;
  total: number;
  submittedAtMs?: number | null;
  lastSavedAtMs?: number | null;
}

/** A form's live status for the supplier (R3.4): "Currently filling", completion %, submission. */
export function FormFillStatus(props: FormFillStatusProps) {
  const nowMs = useNow(15_000);
  const percent = props.total === 0 ? 0 : Math.round((props.answered / props.total) * 100);
  const state = props.submittedAtMs != null ? 'submitted' : props.fillingByName ? 'filling' : 'waiting';
  return (
    <div className="ws-formstatus" data-state={state}>
      <div className="ws-formstatus__head">
        <strong>{props.formName}</strong>
        <span role="status" aria-live="polite" className="ws-formstatus__state">
          {state === 'submitted'
            ? `Submitted ${formatRelativeTime(props.submittedAtMs ?? nowMs, nowMs)}`
            : state === 'filling'
              ? `Currently filling: ${props.fillingByName}`
              : 'Not being filled'}
        </span>
      </div>
      <div
        className="ws-progress__track"
        role="progressbar"
        aria-label={`${props.formName} completion`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% complete, ${props.answered} of ${props.total} fields`}
      >
        <div className="ws-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="ws-muted">
        {percent}% complete · {props.answered}/{props.total} fields
        {props.lastSavedAtMs != null ? ` · saved ${formatRelativeTime(props.lastSavedAtMs, nowMs)}` : ''}
      </span>
    </div>
  );
}
