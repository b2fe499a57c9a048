import { formatCountdown } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export type JourneyStageStatus = 'done' | 'current' | 'pending' | 'failed';

export interface JourneyStage {
  id: string;
  name: string;
  status: JourneyStageStatus;
  /** Why the stage's action failed (R8.1 failed actions). */
  failureReason?: string;
  /** Live detail of the running module, e.g. "Email opened". */
  detail?: string;
}

export interface JourneyProgressProps {
  journeyName: string;
  clientName?: string;
  stages: readonly JourneyStage[];
  /** 0..1; defaults to completed stages / all stages. */
  progress?: number;
  nextActionLabel?: string | null;
  nextActionAtMs?: number | null;
}

const MARK: Record<JourneyStageStatus, string> = { done: '✓', current: '●', pending: '○', failed: '!' };
const STATUS_TEXT: Record<JourneyStageStatus, string> = {
  done: 'completed',
  current: 'in progress',
  pending: 'not started',
  failed: 'failed',
};

/**
 * A client's journey (R8.2): the bar moves smoothly (CSS transition), the current stage is
 * highlighted, completed ones checked, failed ones warned, and a countdown runs to the next action.
 */
export function JourneyProgress(props: JourneyProgressProps) {
  const { stages } = props;
  const done = stages.filter((stage) => stage.status === 'done').length;
  const fraction = Math.min(1, Math.max(0, props.progress ?? (stages.length === 0 ? 0 : done / stages.length)));
  const percent = Math.round(fraction * 100);
  const counting = props.nextActionAtMs != null;
  const nowMs = useNow(1000, counting);
  const failures = stages.filter((stage) => stage.status === 'failed');
  const title = props.clientName ? `${props.journeyName} — ${props.clientName}` : props.journeyName;

  return (
    <section className="ws-journey" aria-label={title}>
      <header className="ws-journey__header">
        <h3 className="ws-journey__title">{title}</h3>
        <span className="ws-journey__percent">{percent}%</span>
      </header>
      <div
        className="ws-journey__track"
        role="progressbar"
        aria-label={`${props.journeyName} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="ws-journey__fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      <ol className="ws-journey__stages">
        {stages.map((stage) => (
          <li
            key={stage.id}
            className="ws-journey__stage"
            data-status={stage.status}
            aria-current={stage.status === 'current' ? 'step' : undefined}
          >
            <span className="ws-journey__mark" aria-hidden="true">
              {MARK[stage.status]}
            </span>
            <span className="ws-journey__stage-name">
              {stage.name}
              <span className="ws-visually-hidden"> ({STATUS_TEXT[stage.status]})</span>
            </span>
            {stage.detail ? <span className="ws-muted ws-journey__detail">{stage.detail}</span> : null}
          </li>
        ))}
      </ol>
      {failures.length > 0 ? (
        <div role="alert" className="ws-journey__failures">
          {failures.map((stage) => (
            <p key={stage.id}>
              <span aria-hidden="true">⚠</span> {stage.name} failed
              {stage.failureReason ? `: ${stage.failureReason}` : ''}
            </p>
          ))}
        </div>
      ) : null}
      {counting && props.nextActionAtMs != null ? (
        <p className="ws-journey__next">
          Next{props.nextActionLabel ? `: ${props.nextActionLabel}` : ' action'} in{' '}
          <time dateTime={new Date(props.nextActionAtMs).toISOString()}>
            {formatCountdown(props.nextActionAtMs - nowMs)}
          </time>
        </p>
      ) : null}
    </section>
  );
}
