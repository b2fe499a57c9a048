import type { Directory } from '../directory/directory.ts';
import { type IndexedRecord, namedFields } from '../directory/record-index.ts';
import { backoffDelayMs, type DueWork, type DueWorkStore, type WorkClaim } from './due-work-store.ts';
import { type ActionContext, formCompletedLogged, performAction } from './journey-actions.ts';
import type { JourneyMailer } from './journey-mailer.ts';
import {
  advanceAfter,
  type JourneyLogEvent,
  journeyStages,
  journeySteps,
  logEvents,
  openAttempt,
  planRun,
  type RunState,
  readRunState,
  runUpdateOps,
  STEP_MID,
  waitMs,
} from './journey-plan.ts';
import { type RecordWriter, writeOne } from './record-writer.ts';

/** What one run's turn did (for tests and logs). */
export interface RunTurn {
  runId: string;
  outcome: 'rescheduled' | 'done' | 'failed' | 'cancelled' | 'lost_claim';
  dueAtMs?: number;
  actions: string[];
}

export interface JourneyRunnerOptions {
  store: DueWorkStore;
  writer: RecordWriter;
  directory: Directory;
  mailer: JourneyMailer;
  nodeId: string;
  nowMs: () => number;
  leaseMs: number;
  actionTimeoutMs: number;
  maxFailures: number;
  retry: { baseMs: number; maxMs: number };
  trackingPixelUrl?: (runId: string, moduleId: string) => string | undefined;
}

/** Modules one claim may carry a run through before it yields to other runs. */
const MAX_STEPS_PER_TURN = 25;

interface LoadedRun {
  runId: string;
  scope: string;
  v: number;
  run: RunState;
}

/**
 * Carries one claimed run forward (R8.1). Each turn re-reads the run record from storage (the truth,
 * not a node's cache), plans from its log, and commits every step before going on, so a node that
 * dies at any point leaves a state the next claimer continues from:
 * - `started` is committed before an action, `completed`/`failed` after it (one commit with the stage
 *   progression and next action time); the work row is marked `sending` meanwhile, so a node retaking
 *   it logs the interruption and sends again with the same idempotency key;
 * - a failure is logged with its error and retried with backoff; after `maxFailures` (or a
 *   non-retryable error) the run is `failed` and the error stays visible, nothing is lost.
 */
export class JourneyRunner {
  constructor(private readonly options: JourneyRunnerOptions) {}

  async run(work: DueWork, claim: WorkClaim): Promise<RunTurn> {
    const { store, leaseMs } = this.options;
    const actions: string[] = [];
    const turn = (outcome: RunTurn['outcome'], dueAtMs?: number): RunTurn =>
      dueAtMs === undefined ? { runId: work.key, outcome, actions } : { runId: work.key, outcome, dueAtMs, actions };
    let failures = work.failures;
    for (let steps = 0; steps < MAX_STEPS_PER_TURN; steps++) {
      const now = this.options.nowMs();
      const loaded = await this.load(work.key);
      if (loaded?.run.status !== 'running') {
        await store.finish(claim, loaded ? 'done' : 'cancelled', { nowMs: now });
        return turn(loaded ? 'done' : 'cancelled');
      }
      const definition = this.options.directory.records.get('journeys', loaded.run.journeyId);
      if (!definition) {
        await store.finish(claim, 'cancelled', { nowMs: now, lastError: 'The journey no longer exists' });
        return turn('cancelled');
      }
      const steps = journeySteps(journeyStages(definition.fields));
      const plan = planRun(steps, loaded.run, now);
      if (plan.kind === 'finished') {
        // The version is the same on every node that read this state, and grows: a safe mutation id.
        await this.commit(loaded, `journey:${work.key}:end`, loaded.v, now, {
          status: 'completed',
          stageIndex: plan.lastStageIndex,
          nextActionAtMs: null,
        });
        actions.push('completed');
        continue;
      }
      if (plan.dueAtMs > now) {
        await store.reschedule(claim, plan.dueAtMs, { nowMs: now, failures, lastError: work.lastError ?? undefined });
        return turn('rescheduled', plan.dueAtMs);
      }
      const { step } = plan;
      const client = `journey:${work.key}:${step.module.id}`;
      if (plan.kind === 'waiting') {
        const event: JourneyLogEvent = { moduleId: step.module.id, event: 'completed', atMs: now, attempt: 1 };
        await this.commit(loaded, client, STEP_MID.outcome(1), now, {
          events: [event],
          ...advanceAfter(steps, step, now),
        });
        actions.push(`${step.module.id}:completed`);
        continue;
      }
      const attempt = plan.attempt;
      if (attempt > 1 && openAttempt(loaded.run, step.module.id, attempt - 1)) {
        // The previous holder died (or lost its lease) between `started` and the outcome.
        failures += 1;
        const error = 'Interrupted: the server running it stopped before recording the result; sending again';
        await this.commit(loaded, client, STEP_MID.interrupted(attempt - 1), now, {
          events: [{ moduleId: step.module.id, event: 'interrupted', atMs: now, attempt: attempt - 1, error }],
        });
        actions.push(`${step.module.id}:interrupted`);
      }
      const started: JourneyLogEvent = { moduleId: step.module.id, event: 'started', atMs: now, attempt };
      if (step.module.kind === 'wait') {
        await this.commit(loaded, client, STEP_MID.started(attempt), now, {
          events: [started],
          stageIndex: step.stageIndex,
          nextActionAtMs: now + waitMs(step.module),
        });
        actions.push(`${step.module.id}:started`);
        continue;
      }
      await this.commit(loaded, client, STEP_MID.started(attempt), now, {
        events: [started],
        stageIndex: step.stageIndex,
        nextActionAtMs: now,
      });
      actions.push(`${step.module.id}:started`);
      if (!(await store.renew(claim, { nowMs: now, leaseMs, phase: 'sending' }))) return turn('lost_claim');
      const result = await performAction(this.actionContext(now), work.key, loaded.run, step, attempt, steps);
      const after = this.options.nowMs();
      const current = (await this.load(work.key)) ?? loaded;
      if (result.ok) {
        failures = 0;
        const event: JourneyLogEvent = {
          moduleId: step.module.id,
          event: 'completed',
          atMs: after,
          attempt,
          detail: result.detail,
        };
        await this.commit(current, client, STEP_MID.outcome(attempt), after, {
          events: [event],
          ...advanceAfter(steps, step, after),
        });
        if (!(await store.renew(claim, { nowMs: after, leaseMs, phase: null }))) return turn('lost_claim');
        actions.push(`${step.module.id}:completed`);
        continue;
      }
      failures += 1;
      const failed: JourneyLogEvent = {
        moduleId: step.module.id,
        event: 'failed',
        atMs: after,
        attempt,
        error: result.error,
      };
      actions.push(`${step.module.id}:failed`);
      if (!result.retryable || failures >= this.options.maxFailures) {
        await this.commit(current, client, STEP_MID.outcome(attempt), after, {
          events: [failed],
          status: 'failed',
          nextActionAtMs: null,
        });
        await store.finish(claim, 'failed', { nowMs: after, lastError: result.error, failures });
        return turn('failed');
      }
      const retryAtMs = after + backoffDelayMs(failures, this.options.retry);
      await this.commit(current, client, STEP_MID.outcome(attempt), after, {
        events: [{ ...failed, retryAtMs }],
        nextActionAtMs: retryAtMs,
      });
      await store.reschedule(claim, retryAtMs, { nowMs: after, failures, lastError: result.error });
      return turn('rescheduled', retryAtMs);
    }
    const now = this.options.nowMs();
    await store.reschedule(claim, now, { nowMs: now, failures });
    return turn('rescheduled', now);
  }

  /**
   * R8.1 "form completed": a submitted assignment is logged on every run of its wedding that sent
   * that form (once per module: a fixed mutation id, so every node may call this).
   */
  async noteFormSubmitted(assignment: IndexedRecord): Promise<void> {
    const weddingId = assignment.fields.weddingId;
    const formId = assignment.fields.formId;
    if (typeof weddingId !== 'string' || typeof formId !== 'string') return;
    for (const record of this.options.directory.records.where('journey_runs', 'weddingId', weddingId)) {
      const loaded = await this.load(record.id);
      const definition = loaded && this.options.directory.records.get('journeys', loaded.run.journeyId);
      if (!loaded || !definition) continue;
      const sent = new Set(
        logEvents(loaded.run)
          .filter((e) => e.event === 'completed')
          .map((e) => e.moduleId),
      );
      for (const step of journeySteps(journeyStages(definition.fields))) {
        if (step.module.kind !== 'send_form' || step.module.formId !== formId || !sent.has(step.module.id)) continue;
        if (formCompletedLogged(loaded.run, step.module.id)) continue;
        const now = this.options.nowMs();
        const event: JourneyLogEvent = {
          moduleId: step.module.id,
          event: 'form_completed',
          atMs: now,
          detail: { assignmentId: assignment.id },
        };
        await this.commit(loaded, `journey:${record.id}:${step.module.id}:form`, 1, now, { events: [event] });
      }
    }
  }

  /** R8.1 "email opened" (the tracking pixel): logged once per module that sent an email. */
  async emailOpened(runId: string, moduleId: string): Promise<'recorded' | 'already' | 'unknown'> {
    const loaded = await this.load(runId);
    if (!loaded) return 'unknown';
    const events = logEvents(loaded.run);
    if (!events.some((e) => e.moduleId === moduleId && e.event === 'completed' && e.detail?.subject)) return 'unknown';
    if (events.some((e) => e.moduleId === moduleId && e.event === 'email_opened')) return 'already';
    const now = this.options.nowMs();
    const result = await this.commit(loaded, `journey:${runId}:${moduleId}:open`, 1, now, {
      events: [{ moduleId, event: 'email_opened', atMs: now }],
    });
    return result === 'applied' ? 'recorded' : 'already';
  }

  private async load(runId: string): Promise<LoadedRun | undefined> {
    const record = await this.options.writer.getRecord('journey_runs', runId);
    if (!record || record.del) return undefined;
    const run = readRunState(namedFields('journey_runs', record.fields));
    return run && { runId, scope: record.scope, v: record.v, run };
  }

  private async commit(
    loaded: LoadedRun,
    clientId: string,
    mid: number,
    nowMs: number,
    update: Parameters<typeof runUpdateOps>[0],
  ): Promise<'applied' | 'duplicate'> {
    const result = await writeOne(
      this.options.writer,
      {
        clientId,
        mid,
        c: 'journey_runs',
        id: loaded.runId,
        scope: loaded.scope,
        base: loaded.v,
        ops: runUpdateOps(update),
      },
      nowMs,
    );
    if (result.status === 'rejected') throw new Error(`journey run ${loaded.runId}: ${result.code} ${result.message}`);
    if (result.status === 'conflict') throw new Error(`journey run ${loaded.runId}: unexpected conflict`);
    return result.status;
  }

  private actionContext(nowMs: number): ActionContext {
    const context: ActionContext = {
      directory: this.options.directory,
      writer: this.options.writer,
      mailer: this.options.mailer,
      nowMs,
      actionTimeoutMs: this.options.actionTimeoutMs,
    };
    if (this.options.trackingPixelUrl) context.trackingPixelUrl = this.options.trackingPixelUrl;
    return context;
  }
}
