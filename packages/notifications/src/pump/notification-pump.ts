import { jsonParam, type SqlClient } from '@wedsync/storage-postgres';
import type { NotificationIntent } from '../notification-intent.ts';
import { type BackoffOptions, retryDelayMs } from '../outbox/backoff.ts';
import type { NewJob } from '../outbox/outbox-job.ts';
import { OutboxStore } from '../outbox/outbox-store.ts';
import type { NotificationPreferences } from '../preferences/notification-preferences.ts';
import { PreferencesStore } from '../preferences/preferences-store.ts';
import { PushSubscriptions } from '../push/push-subscriptions.ts';
import {
  type RenderOptions,
  renderEmail,
  renderInApp,
  renderPush,
  renderSms,
  shortHash,
} from '../render/message-render.ts';
import { type ChannelDecision, type PushTarget, routeNotification } from '../routing/notification-routing.ts';

/** The notifications one cause produced. `seq`: the log change they come from (absent: time-driven). */
export interface CauseBatch {
  seq?: number;
  intents: readonly NotificationIntent[];
}

export interface NotificationPumpOptions {
  sql: SqlClient;
  render: RenderOptions;
  nowMs?: () => number;
  /** Called after a `write`/`enqueue` that enqueued jobs (wake the worker here and on other nodes). */
  onEnqueued?: (count: number) => void;
  onError?: (error: unknown, context: string) => void;
  /** Backoff between retries of a failed task or write; default 200 ms doubling to 5 000 ms. */
  retry?: BackoffOptions;
}

/** Thrown by tasks still queued when the pump is closed: they were not written. */
export class PumpClosedError extends Error {
  constructor() {
    super('the notification pump is closed');
  }
}

/**
 * Writes notifications and their outbox jobs (R5.2, R5.4), routed by the recipient's preferences and
 * push devices read in the same transaction.
 * - `writeIn(tx, …)` writes inside a transaction the caller owns: the app calls it from the storage's
 *   `withinCommit` hook, so the notifications of a change commit with it or not at all (issue 7: "in
 *   the same transaction as its cause"); the caller wakes the worker once its transaction committed;
 * - `write` and `enqueue` write in a transaction of their own, for notifications without a cause in
 *   the log (meeting reminders, `notify`): a task (or its write) that fails is run again with backoff
 *   before any later task, so tasks must be safe to run again; closing stops the retries.
 * Exactly once: notification ids and job idempotency keys are deterministic and every insert is
 * `ON CONFLICT DO NOTHING`, so a retry, a second node or a second hook writes nothing more.
 * Tasks run one at a time in the order given.
 */
export class NotificationPump {
  private readonly preferences: PreferencesStore;
  private readonly push: PushSubscriptions;
  private readonly outbox: OutboxStore;
  private readonly nowMs: () => number;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** Set by `close`: failures are no longer retried. */
  private closing = false;
  /** A task failed while closing: nothing later is written. */
  private abandoned = false;
  private wakeRetry: (() => void) | undefined;

  constructor(private readonly options: NotificationPumpOptions) {
    this.preferences = new PreferencesStore(options.sql);
    this.push = new PushSubscriptions(options.sql);
    this.outbox = new OutboxStore(options.sql);
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Queues a task producing batches; they are written after every earlier task. A failing task or
   * write is reported to `onError` and retried (the whole task) until it succeeds or the pump closes.
   */
  enqueue(task: () => CauseBatch[] | Promise<CauseBatch[]>): Promise<number> {
    this.pending++;
    const run = async () => {
      try {
        for (let attempt = 1; ; attempt++) {
          if (this.abandoned) throw new PumpClosedError();
          try {
            return await this.write(await task());
          } catch (error) {
            if (this.closing) {
              this.abandoned = true;
              throw error;
            }
            this.options.onError?.(error, `notification write (attempt ${attempt}, retrying)`);
            await this.pause(retryDelayMs(attempt, this.options.retry ?? { baseMs: 200, maxMs: 5_000 }));
          }
        }
      } finally {
        this.pending--;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch((error) => {
      if (!(error instanceof PumpClosedError)) this.options.onError?.(error, 'notification write (pump closed)');
    });
    return next;
  }

  /** Resolves when every queued task has been written (or given up at close). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  /**
   * Writes what is queued, without retrying failures any more: a task waiting to retry runs once
   * more now. After a failure nothing later is written (later tasks reject with PumpClosedError).
   */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeRetry?.();
    await this.idle();
  }

  private pause(delayMs: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeRetry = undefined;
        resolve();
      };
      const timer = setTimeout(done, delayMs);
      this.wakeRetry = done;
    });
  }

  /** Writes the batches in a transaction of their own; returns the number of jobs enqueued. */
  async write(batches: readonly CauseBatch[]): Promise<number> {
    if (batches.every((batch) => batch.intents.length === 0)) return 0;
    const enqueued = await this.options.sql.transaction((tx) => this.writeIn(tx, batches));
    if (enqueued > 0) this.options.onEnqueued?.(enqueued);
    return enqueued;
  }

  /**
   * Writes the batches with `tx`, inside the caller's transaction (they commit with it or not at
   * all); returns the number of jobs enqueued. Does not call `onEnqueued`: the caller wakes the
   * worker after its COMMIT (a job is not claimable before).
   */
  async writeIn(tx: SqlClient, batches: readonly CauseBatch[]): Promise<number> {
    const nowMs = this.nowMs();
    let jobs = 0;
    const context = new Map<string, { prefs: NotificationPreferences; push: PushTarget[] }>();
    for (const batch of batches) {
      for (const intent of batch.intents) {
        let person = context.get(intent.userId);
        if (!person) {
          person = {
            prefs: await this.preferences.get(intent.userId, tx),
            push: await this.push.of(intent.userId, tx),
          };
          context.set(intent.userId, person);
        }
        jobs += await this.writeOne(tx, intent, person.prefs, person.push, nowMs);
      }
    }
    return jobs;
  }

  private async writeOne(
    tx: SqlClient,
    intent: NotificationIntent,
    prefs: NotificationPreferences,
    pushTargets: PushTarget[],
    nowMs: number,
  ): Promise<number> {
    const plan = routeNotification(intent, prefs, pushTargets, nowMs);
    const inserted = await tx.query(
      `INSERT INTO notify_notifications (id, user_id, trigger, importance, title, body, link, cause_seq, created_at_ms, plan)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        intent.id,
        intent.userId,
        intent.trigger,
        intent.importance,
        intent.title,
        intent.body,
        intent.link ?? null,
        intent.causeSeq ?? null,
        intent.createdAtMs,
        jsonParam(plan),
      ],
    );
    if (inserted.length === 0) return 0;
    const jobs = jobsFor(intent, plan, pushTargets, this.options.render);
    return (await this.outbox.enqueue(tx, jobs, nowMs)).length;
  }
}

/** The outbox jobs of one routed notification (one per external channel and push device). */
export function jobsFor(
  intent: NotificationIntent,
  plan: readonly ChannelDecision[],
  pushTargets: readonly PushTarget[],
  render: RenderOptions,
): NewJob[] {
  const sends = plan.filter((decision) => decision.decision === 'send');
  const on = (channel: string) => sends.some((decision) => decision.channel === channel);
  const base = { notificationId: intent.id, userId: intent.userId };
  const jobs: NewJob[] = [];
  if (on('bell') || on('toast')) {
    jobs.push({
      ...base,
      idempotencyKey: `${intent.id}:inapp`,
      channel: 'inapp',
      target: `user:${intent.userId}`,
      message: renderInApp(intent, on('bell'), on('toast')),
    });
  }
  for (const decision of sends) {
    if (decision.decision !== 'send' || !decision.target) continue;
    const hold = decision.notBeforeMs !== undefined ? { notBeforeMs: decision.notBeforeMs } : {};
    if (decision.channel === 'email') {
      const key = `${intent.id}:email`;
      const message = renderEmail(intent, decision.target, key, render);
      jobs.push({ ...base, idempotencyKey: key, channel: 'email', target: decision.target, message, ...hold });
    } else if (decision.channel === 'sms') {
      const message = renderSms(intent, decision.target);
      jobs.push({
        ...base,
        idempotencyKey: `${intent.id}:sms`,
        channel: 'sms',
        target: decision.target,
        message,
        ...hold,
      });
    } else if (decision.channel === 'push') {
      const device = pushTargets.find((target) => target.endpoint === decision.target);
      if (!device) continue;
      jobs.push({
        ...base,
        idempotencyKey: `${intent.id}:push:${shortHash(device.endpoint, 16)}`,
        channel: 'push',
        target: device.endpoint,
        message: renderPush(intent, device),
        ...hold,
      });
    }
  }
  return jobs;
}
