import type { JourneyStage as StageView } from '@wedsync/react-ui';
import { type JourneyLogEvent, journeyStages, journeySteps, logEvents, planRun, readRunState } from '@wedsync/wedding';

/** A journey run as JourneyProgress shows it (R8.2). */
export interface JourneyRunView {
  status: string;
  stages: StageView[];
  /** Completed modules / all modules, 0..1 (advances per module, so the bar moves in small steps). */
  progress: number;
  nextActionLabel: string | null;
  nextActionAtMs: number | null;
}

const EVENT_TEXT: Partial<Record<JourneyLogEvent['event'], string>> = {
  started: 'Running',
  completed: 'Done',
  email_opened: 'Email opened',
  form_completed: 'Form completed',
};

/** Events that are news from the couple's side (R8.1). */
const OUTCOME_EVENTS = new Set<JourneyLogEvent['event']>(['email_opened', 'form_completed']);

/**
 * Derives stage marks from a journey definition and one run's log (R8.1, R8.2): a stage is done when
 * all its modules completed, failed while its latest module event is a failure or an interruption
 * without a later completion, current when it holds the first incomplete module, else pending. The
 * next action and its time come from the same plan the server's scheduler follows (`planRun`).
 */
export function journeyRunView(
  journeyFields: Record<string, unknown>,
  runFields: Record<string, unknown>,
  nowMs: number,
): JourneyRunView | null {
  const run = readRunState(runFields);
  if (!run) return null;
  const stageItems = journeyStages(journeyFields);
  const steps = journeySteps(stageItems);
  const events = logEvents(run);
  const completed = new Set(events.filter((event) => event.event === 'completed').map((event) => event.moduleId));
  const currentStep = steps.find((step) => !completed.has(step.module.id));
  const lastOf = (moduleId: string) => events.filter((event) => event.moduleId === moduleId).at(-1);

  const stages = stageItems.map((item, stageIndex): StageView => {
    const modules = item.v?.modules ?? [];
    const name = item.v?.name ?? `Stage ${stageIndex + 1}`;
    const failure = modules
      .map((module) => ({ module, last: lastOf(module.id) }))
      .find(({ last }) => last?.event === 'failed' || last?.event === 'interrupted');
    if (failure?.last) {
      const retry = failure.last.retryAtMs ? ' — will retry' : '';
      return {
        id: item.id,
        name,
        status: 'failed',
        failureReason: `${failure.module.label}: ${failure.last.error ?? 'did not complete'}${retry}`,
      };
    }
    if (modules.length > 0 && modules.every((module) => completed.has(module.id))) {
      return { id: item.id, name, status: 'done' };
    }
    if (currentStep?.stageIndex === stageIndex && run.status !== 'completed') {
      // The latest news of the stage: an email opened or form completed wins over "running".
      const ids = new Set(modules.map((module) => module.id));
      const news = events.filter((event) => ids.has(event.moduleId) && OUTCOME_EVENTS.has(event.event)).at(-1);
      const newsModule = news && modules.find((module) => module.id === news.moduleId);
      const last = lastOf(currentStep.module.id);
      const detail =
        news && newsModule
          ? `${newsModule.label}: ${EVENT_TEXT[news.event]}`
          : last
            ? `${currentStep.module.label}: ${EVENT_TEXT[last.event] ?? last.event}`
            : currentStep.module.label;
      return { id: item.id, name, status: 'current', detail };
    }
    return { id: item.id, name, status: run.status === 'completed' ? 'done' : 'pending' };
  });

  const progress = steps.length === 0 ? 0 : steps.filter((step) => completed.has(step.module.id)).length / steps.length;
  let nextActionLabel: string | null = null;
  let nextActionAtMs: number | null = null;
  if (run.status === 'running') {
    const plan = planRun(steps, run, nowMs);
    if (plan.kind === 'waiting') {
      nextActionLabel = `${plan.step.module.label} ends`;
      nextActionAtMs = plan.dueAtMs;
    } else if (plan.kind === 'next') {
      nextActionLabel = plan.step.module.label;
      nextActionAtMs = plan.dueAtMs;
    }
  }
  return {
    status: run.status,
    stages,
    progress: run.status === 'completed' ? 1 : progress,
    nextActionLabel,
    nextActionAtMs,
  };
}
