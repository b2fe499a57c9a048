import { formatRelativeTime, useNow } from '@wedsync/react-ui';
import type { FormProgress } from './form-model.ts';

/** Completion of a form as the couple sees it (R3.4): a progress bar with "3 of 5 answered". */
export function FormProgressBar(props: { title: string; progress: FormProgress; submittedAtMs: number | null }) {
  const nowMs = useNow(30_000, props.submittedAtMs !== null);
  const { answered, total, percent } = props.progress;
  return (
    <div className="form-progress">
      <div
        className="ws-progress__track"
        role="progressbar"
        aria-label={`${props.title} completion`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% complete, ${answered} of ${total} fields`}
      >
        <div className="ws-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="ws-muted" role="status">
        {props.submittedAtMs !== null
          ? `Submitted ${formatRelativeTime(props.submittedAtMs, nowMs)}`
          : `${percent}% complete · ${answered} of ${total} answered`}
      </span>
    </div>
  );
}
