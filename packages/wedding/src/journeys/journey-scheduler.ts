import type { Directory } from '../directory/directory.ts';
import type { AppliedChange } from '../directory/record-index.ts';
import { type DueWork, DueWorkStore, type WorkClaim, type WorkSql } from './due-work-store.ts';
import type { JourneyMailer } from './journey-mailer.ts';
import { readRunState } from './journey-plan.ts';
import { JourneyRunner, type RunTurn } from './journey-runner.ts';
import type { RecordWriter } from './record-writer.ts';

export type { RunTurn };

export interface JourneySchedulerOptions {
  sql: WorkSql;
  writer: RecordWriter;
  directory: Directory;
  mailer: JourneyMailer;
  /** Unique per process (e.g. the realtime node id); recorded as the claimer. */
  nodeId: string;
  /** Clock in epoch ms; default `Date.now`. */
  nowMs?: () => number;
  /** A claim is held this long before another node may retake it; default 60 000. Renewed before each action. */
  leaseMs?: number;
  /** A send that does not settle within this is a failed attempt; default 20 000 (< leaseMs). */
  actionTimeoutMs?: number;
  /** Runs claimed per tick; default 20. */
  batchSize?: number;
  /** Consecutive failures of one module before the run is marked failed; default 5. */
  maxFailures?: number;
  /** Backoff after the n-th failure: min(maxMs, baseMs·2^(n-1)); defaults 30 000 and 3 600 000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Polling interval of `start()`; default 1 000. */
  pollIntervalMs?: number;
  trackingPixelUrl?: (runId: string, moduleId: string) => string | undefined;
  onError?: (error: unknown, context: string) => void;
}

/**
 * The durable journey scheduler (R8): every node runs one; due runs are claimed in the database
 * (`DueWorkStore`, SKIP LOCKED + lease), so each module of each run is performed by one node, once.
 * Progress is committed to the `journey_runs` record through the `RecordWriter` (RecordSync.commit),
 * so every client sees module started/completed/failed, stage progression and the next action time
 * live. `noteApplied` keeps the work table in step with the log (new runs, resumed runs, forms
 * completed); `enqueueAll` recovers it from the Directory at start.
 */
export class JourneyScheduler {
  readonly store: DueWorkStore;
  private readonly runner: JourneyRunner;
  private readonly nowMs: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<RunTurn[]> | undefined;
  private again = false;

  constructor(private readonly options: JourneySchedulerOptions) {
    this.store = new DueWorkStore(options.sql);
    this.nowMs = options.nowMs ?? Date.now;
    this.runner = new JourneyRunner({
      store: this.store,
      writer: options.writer,
      directory: options.directory,
      mailer: options.mailer,
      nodeId: options.nodeId,
      nowMs: this.nowMs,
      leaseMs: options.leaseMs ?? 60_000,
      actionTimeoutMs: options.actionTimeoutMs ?? 20_000,
      maxFailures: options.maxFailures ?? 5,
      retry: { baseMs: options.retryBaseMs ?? 30_000, maxMs: options.retryMaxMs ?? 3_600_000 },
      trackingPixelUrl: options.trackingPixelUrl,
    });
  }

  /** Makes a running run due at its next action time (now when unset); `revive` restarts a finished row. */
  async enqueueRun(runId: string, options: { revive?: boolean } = {}): Promise<void> {
    const record = this.options.directory.records.get('journey_runs', runId);
    const run = record && readRunState(record.fields);
    if (run?.status !== 'running') return;
    const now = this.nowMs();
    await this.store.enqueue('journey_run', runId, run.nextActionAtMs ?? now, {
      nowMs: now,
      revive: options.revive === true,
    });
  }

  /** Enqueues every running run the Directory knows (at start: recovers work written before a crash). */
  async enqueueAll(): Promise<void> {
    for (const record of this.options.directory.records.all('journey_runs')) await this.enqueueRun(record.id);
  }

  /**
   * Follows one applied change of the log (call for every change, on every node; all of it is
   * idempotent): a run created or set (back) to running is enqueued; a submitted form assignment is
   * logged as `form_completed` on the runs that sent that form.
   */
  async noteApplied(applied: AppliedChange): Promise<void> {
    const { change, before, after } = applied;
    if (change.c === 'journey_runs' && !after.deleted && after.fields.status === 'running') {
      await this.enqueueRun(change.id, { revive: before?.fields.status !== 'running' });
    }
    if (
      change.c === 'form_assignments' &&
      after.fields.status === 'submitted' &&
      before?.fields.status !== 'submitted'
    ) {
      await this.runner.noteFormSubmitted(after);
    }
  }

  /** Claims due runs and runs them; resolves with what each run's turn did. Calls never overlap. */
  tick(): Promise<RunTurn[]> {
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = this.tickNow().finally(() => {
      this.ticking = undefined;
      if (this.again) {
        this.again = false;
        void this.tick();
      }
    });
    return this.ticking;
  }

  /** Claims and runs due runs until none is due (bounded by `rounds`). */
  async drain(rounds = 20): Promise<RunTurn[]> {
    const turns: RunTurn[] = [];
    for (let round = 0; round < rounds; round++) {
      const batch = await this.tick();
      turns.push(...batch);
      if (batch.length === 0) break;
    }
    return turns;
  }

  /** Polls every `pollIntervalMs` (default 1 000); `stop` ends it. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error) => this.onError(error, 'journey tick'));
    }, this.options.pollIntervalMs ?? 1_000);
    this.timer.unref?.();
  }

  /** Stops polling and waits for a running tick. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.again = false;
    await this.ticking?.catch(() => undefined);
  }

  /** Records "email opened" for a module of a run (the tracking pixel, R8.1); idempotent. */
  emailOpened(runId: string, moduleId: string): Promise<'recorded' | 'already' | 'unknown'> {
    return this.runner.emailOpened(runId, moduleId);
  }

  private async tickNow(): Promise<RunTurn[]> {
    const claimed = await this.store.claim('journey_run', {
      nodeId: this.options.nodeId,
      nowMs: this.nowMs(),
      leaseMs: this.options.leaseMs ?? 60_000,
      limit: this.options.batchSize ?? 20,
    });
    return Promise.all(claimed.map((work) => this.turn(work)));
  }

  private async turn(work: DueWork): Promise<RunTurn> {
    const claim: WorkClaim = { kind: work.kind, key: work.key, nodeId: this.options.nodeId, claims: work.claims };
    try {
      return await this.runner.run(work, claim);
    } catch (error) {
      // Storage trouble mid-turn: leave the claim to expire; another tick (or node) retakes it.
      this.onError(error, `journey run ${work.key}`);
      return { runId: work.key, outcome: 'lost_claim', actions: ['error'] };
    }
  }

  private onError(error: unknown, context: string): void {
    (this.options.onError ?? ((e, c) => console.error(`[journeys] ${c}:`, e)))(error, context);
  }
}
