import type { FieldOp } from '@wedsync/protocol';
import type { JourneyStage } from '../collections/journey-collections.ts';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { ListItem } from '../directory/record-index.ts';

export const DAY_MS = 86_400_000;

/** Events of a run's `log` (R8.1). `interrupted`: the node running the action died before its outcome was recorded. */
export const JOURNEY_EVENTS = [
  'started',
  'completed',
  'failed',
  'interrupted',
  'email_opened',
  'form_completed',
] as const;
export type JourneyEventName = (typeof JOURNEY_EVENTS)[number];

/** One item of `journey_runs.log`. */
export interface JourneyLogEvent {
  moduleId: string;
  event: JourneyEventName;
  atMs: number;
  /** For started/completed/failed/interrupted: which attempt (1, 2, …). */
  attempt?: number;
  /** For failed/interrupted: what went wrong (shown to the team, R8.1). */
  error?: string;
  /** For a failed attempt that will be retried: when. */
  retryAtMs?: number;
  /** Outcome details: `{ to: names[], subject, recorded, assignmentId, skipped }`. Never email addresses. */
  detail?: Record<string, unknown>;
}

export type JourneyModule = JourneyStage['modules'][number];

/** One module in run order, with the stage it belongs to. */
export interface JourneyStep {
  index: number;
  stageIndex: number;
  stageName: string;
  module: JourneyModule;
}

/** A run as the scheduler reads it (field values by name). */
export interface RunState {
  journeyId: string;
  supplierId: string;
  weddingId: string;
  coupleId: string;
  status: string;
  stageIndex: number;
  nextActionAtMs: number | null;
  log: ListItem<JourneyLogEvent>[];
}

export type RunPlan =
  /** Every module completed: the run is complete. */
  | { kind: 'finished'; lastStageIndex: number }
  /** A wait module is running; it completes at `dueAtMs`. */
  | { kind: 'waiting'; step: JourneyStep; dueAtMs: number }
  /** The next module to start (attempt `attempt`), due at `dueAtMs`. */
  | { kind: 'next'; step: JourneyStep; dueAtMs: number; attempt: number };

/** The modules of a journey definition (`journeys.stages` list items) in run order. */
export function journeySteps(stages: readonly ListItem<JourneyStage>[]): JourneyStep[] {
  const steps: JourneyStep[] = [];
  stages.forEach((stage, stageIndex) => {
    for (const module of stage.v?.modules ?? []) {
      steps.push({ index: steps.length, stageIndex, stageName: stage.v.name, module });
    }
  });
  return steps;
}

/** A journey definition's `stages` list (Directory or named storage fields). */
export function journeyStages(fields: Record<string, unknown>): ListItem<JourneyStage>[] {
  return Array.isArray(fields.stages) ? (fields.stages as ListItem<JourneyStage>[]) : [];
}

/** Whether attempt `attempt` of a module started and has no recorded outcome (its node died mid-action). */
export function openAttempt(run: Pick<RunState, 'log'>, moduleId: string, attempt: number): boolean {
  const mine = logEvents(run).filter((e) => e.moduleId === moduleId && e.attempt === attempt);
  return mine.some((e) => e.event === 'started') && !mine.some((e) => e.event !== 'started');
}

/** Events of the run's log, in order. */
export function logEvents(run: Pick<RunState, 'log'>): JourneyLogEvent[] {
  return run.log.map((item) => item.v).filter((v): v is JourneyLogEvent => typeof v?.moduleId === 'string');
}

/**
 * Where a run stands (R8.1), derived from its log alone so every node decides the same: the first
 * module without a `completed` event is the current one. A started wait completes at the run's
 * `nextActionAtMs` (set when it started; a team may move it), else `waitDays` after it started.
 * The next action module is due at `nextActionAtMs` (a retry time after a failure), else now.
 */
export function planRun(steps: readonly JourneyStep[], run: RunState, nowMs: number): RunPlan {
  const events = logEvents(run);
  const completed = new Set(events.filter((e) => e.event === 'completed').map((e) => e.moduleId));
  const step = steps.find((candidate) => !completed.has(candidate.module.id));
  if (!step) return { kind: 'finished', lastStageIndex: steps.at(-1)?.stageIndex ?? 0 };
  const starts = events.filter((e) => e.moduleId === step.module.id && e.event === 'started');
  const lastStart = starts.at(-1);
  if (step.module.kind === 'wait' && lastStart) {
    const dueAtMs = run.nextActionAtMs ?? lastStart.atMs + waitMs(step.module);
    return { kind: 'waiting', step, dueAtMs };
  }
  return { kind: 'next', step, dueAtMs: run.nextActionAtMs ?? nowMs, attempt: starts.length + 1 };
}

export function waitMs(module: JourneyModule): number {
  const days = Number(module.waitDays ?? 0);
  return Number.isFinite(days) && days > 0 ? days * DAY_MS : 0;
}

/** What the run looks like after `step` completed: the next module's stage, due now; or complete. */
export function advanceAfter(
  steps: readonly JourneyStep[],
  step: JourneyStep,
  nowMs: number,
): { stageIndex: number; nextActionAtMs: number | null; status?: 'completed' } {
  const next = steps[step.index + 1];
  if (!next) return { stageIndex: step.stageIndex, nextActionAtMs: null, status: 'completed' };
  return { stageIndex: next.stageIndex, nextActionAtMs: nowMs };
}

/** Deterministic log item id, so the same event committed twice is one item (list add by id). */
export function logItemId(event: JourneyLogEvent): string {
  return `${event.moduleId}:${event.event}${event.attempt === undefined ? '' : `:${event.attempt}`}`;
}

/**
 * Mutation ids of one module's commits (client id `journey:{runId}:{moduleId}`), strictly increasing
 * across attempts: attempt n writes `started` as 4n-3, its outcome as 4n-2; the interruption of
 * attempt n (logged by the node that retakes it) is 4n-1. A second node committing the same step
 * gets `duplicate` and changes nothing; a stale holder's late outcome is refused the same way.
 */
export const STEP_MID = {
  started: (attempt: number) => 4 * attempt - 3,
  outcome: (attempt: number) => 4 * attempt - 2,
  interrupted: (attempt: number) => 4 * attempt - 1,
};

const RUN_FIELD = {
  status: fieldIdOf('journey_runs', 'status'),
  stageIndex: fieldIdOf('journey_runs', 'stageIndex'),
  log: fieldIdOf('journey_runs', 'log'),
  nextActionAtMs: fieldIdOf('journey_runs', 'nextActionAtMs'),
};

/** The ops of one update of a run: log events appended, then the fields given. */
export function runUpdateOps(update: {
  events?: JourneyLogEvent[];
  status?: string;
  stageIndex?: number;
  nextActionAtMs?: number | null;
}): FieldOp[] {
  const ops: FieldOp[] = [];
  for (const event of update.events ?? []) ops.push({ k: 'add', f: RUN_FIELD.log, id: logItemId(event), v: event });
  if (update.status !== undefined) ops.push({ k: 'set', f: RUN_FIELD.status, v: update.status });
  if (update.stageIndex !== undefined) ops.push({ k: 'set', f: RUN_FIELD.stageIndex, v: update.stageIndex });
  if (update.nextActionAtMs !== undefined) {
    ops.push({ k: 'set', f: RUN_FIELD.nextActionAtMs, v: update.nextActionAtMs });
  }
  return ops;
}

/** Reads a `journey_runs` record (field values by name) into a RunState; undefined when malformed. */
export function readRunState(fields: Record<string, unknown>): RunState | undefined {
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const journeyId = str(fields.journeyId);
  const supplierId = str(fields.supplierId);
  const weddingId = str(fields.weddingId);
  const coupleId = str(fields.coupleId);
  if (!journeyId || !supplierId || !weddingId || !coupleId) return undefined;
  const next = fields.nextActionAtMs;
  return {
    journeyId,
    supplierId,
    weddingId,
    coupleId,
    status: str(fields.status) ?? 'running',
    stageIndex: Number.isInteger(fields.stageIndex) ? (fields.stageIndex as number) : 0,
    nextActionAtMs: typeof next === 'number' && Number.isFinite(next) ? next : null,
    log: Array.isArray(fields.log) ? (fields.log as ListItem<JourneyLogEvent>[]) : [],
  };
}
