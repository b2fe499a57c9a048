import type { SqlClient } from '@wedsync/storage-postgres';
import type { JobChannel } from '../notification-intent.ts';
import type { ChannelSender, SendResult } from '../senders/channel-sender.ts';
import { type BackoffOptions, retryDelayMs } from './backoff.ts';
import type { OutboxJob } from './outbox-job.ts';
import { OutboxStore } from './outbox-store.ts';

export interface OutboxWorkerOptions {
  sql: SqlClient;
  /** Names this worker in claims and in the attempt log. */
  nodeId: string;
  /** One sender per channel this worker delivers; jobs of other channels are left to other workers. */
  senders: readonly ChannelSender[];
  /** Jobs claimed at once; default 20. */
  batchSize?: number;
  /** Sends in flight at once; default 4. */
  concurrency?: number;
  /** How long a claim or a send may take before another worker may take the job over; default 60 000. */
  leaseMs?: number;
  /** Safety poll when nobody called `wake`; default 1 000. */
  pollIntervalMs?: number;
  /** A job failing this many times is `failed` for good; default 8. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  nowMs?: () => number;
  random?: () => number;
  /** After a job's final outcome (metrics, push clean-up of `gone` devices). */
  onFinished?: (job: OutboxJob, result: SendResult) => void | Promise<void>;
  onError?: (error: unknown, context: string) => void;
}

/** Shortest idle wait: a due job another worker is claiming right now is skipped, not spun on. */
const MIN_IDLE_MS = 10;

/**
 * Delivers the outbox (R5.4): claims due jobs, sends them through the channel's sender, records every
 * attempt, retries retryable failures with exponential backoff, and never sends a sent job again. Run
 * one per node (or process); they share the work through `FOR UPDATE SKIP LOCKED` claims.
 */
export class OutboxWorker {
  readonly store: OutboxStore;
  private readonly senders = new Map<JobChannel, ChannelSender>();
  private readonly channels: JobChannel[];
  private readonly nowMs: () => number;
  private running = false;
  private closed = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.store = new OutboxStore(options.sql);
    for (const sender of options.senders) this.senders.set(sender.channel, sender);
    this.channels = [...this.senders.keys()];
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Starts the delivery loop (idempotent). */
  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** New jobs exist (enqueued on this node, or announced by another): look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Claims one batch and delivers it; resolves with the number of jobs claimed. */
  async runOnce(): Promise<number> {
    const { nodeId } = this.options;
    const leaseMs = this.options.leaseMs ?? 60_000;
    if (this.channels.length === 0) return 0;
    const jobs = await this.store.claim({
      nodeId,
      channels: this.channels,
      limit: this.options.batchSize ?? 20,
      nowMs: this.nowMs(),
      leaseMs,
    });
    const queue = [...jobs];
    const lanes = Array.from({ length: Math.min(this.options.concurrency ?? 4, queue.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (this.closed) break;
        await this.deliver(job, leaseMs).catch((error) => this.report(error, `job ${job.id}`));
      }
    });
    await Promise.all(lanes);
    if (queue.length > 0)
      await this.store.release(
        queue.map((job) => job.id),
        nodeId,
      );
    return jobs.length;
  }

  /** Stops after the sends in flight; claimed jobs not yet started are given back. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    await this.loopDone;
  }

  private async deliver(job: OutboxJob, leaseMs: number): Promise<void> {
    const sender = this.senders.get(job.channel);
    if (!sender) return;
    const { nodeId } = this.options;
    const attempt = await this.store.beginAttempt(job, nodeId, this.nowMs(), leaseMs);
    if (attempt === undefined) return;
    let result: SendResult;
    try {
      result = await sender.send(job);
    } catch (error) {
      result = { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
    const maxAttempts = this.options.maxAttempts ?? 8;
    const nowMs = this.nowMs();
    if (result.ok) {
      const recorded = await this.store.finishAttempt(
        job,
        attempt,
        nodeId,
        {
          outcome: 'sent',
          next: 'sent',
          via: sender.via,
          ...(result.providerRef ? { providerRef: result.providerRef } : {}),
        },
        nowMs,
      );
      if (recorded) await this.options.onFinished?.(job, result);
      return;
    }
    const retry = result.retryable && !result.gone && attempt < maxAttempts;
    const retryAtMs = retry ? nowMs + retryDelayMs(attempt, this.options.backoff, this.options.random) : undefined;
    const recorded = await this.store.finishAttempt(
      job,
      attempt,
      nodeId,
      {
        outcome: result.gone ? 'gone' : 'failed',
        next: retry ? 'retry' : 'failed',
        error: result.error,
        via: sender.via,
        ...(retryAtMs !== undefined ? { retryAtMs } : {}),
      },
      nowMs,
    );
    if (recorded && !retry) await this.options.onFinished?.(job, result);
  }

  private async loop(): Promise<void> {
    const batchSize = this.options.batchSize ?? 20;
    while (!this.closed) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (error) {
        this.report(error, 'claim');
      }
      if (this.closed) break;
      if (claimed >= batchSize || this.woken) continue;
      await this.idle();
    }
    this.running = false;
  }

  /** Waits for `wake`, the next due job, or the poll interval, whichever comes first. */
  private async idle(): Promise<void> {
    const pollMs = this.options.pollIntervalMs ?? 1_000;
    let delayMs = pollMs;
    try {
      const due = await this.store.nextDueMs(this.channels);
      if (due !== undefined) delayMs = Math.min(pollMs, Math.max(MIN_IDLE_MS, due - this.nowMs()));
    } catch (error) {
      this.report(error, 'next due');
    }
    if (this.woken || this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, delayMs);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = finish;
    });
    this.wakeUp = undefined;
  }

  private report(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context);
    else console.error(`[notifications outbox] ${context}:`, error);
  }
}
