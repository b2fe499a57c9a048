import { LOG_HINT_SUBJECT, type RealtimeServer, type Storage, type StoredChange } from '@wedsync/server';
import { type AppliedChange, type FollowResult, parseScope, type WeddingModel } from '@wedsync/wedding';
import type { Logger } from 'pino';

/** What runs after each catch-up, in order, one catch-up at a time (see `followModel`). */
export interface FollowEffects {
  /** Channels whose log scopes changed (`RecordSync.refreshScopes`). */
  rescoped(topics: string[]): Promise<void>;
  /** Every applied change, in `seq` order. */
  applied(changes: AppliedChange[]): Promise<void>;
}

export interface ModelFollower {
  /**
   * `RecordSyncHooks.beforeDeliver`: resolves once the Directory holds every change of the batch that
   * rights or sharing may depend on (up to `upToSeq` for a snapshot), and lost topics were revoked;
   * rejects when the catch-up failed, so the engine holds the batch back (fail closed).
   */
  beforeDeliver(changes: readonly StoredChange[], upToSeq: number): Promise<void>;
  /** A catch-up that starts after this call; resolves when its rights are applied (effects may trail), also after a failure (logged). */
  catchUp(): Promise<void>;
  /** Starts the effects (they need the record sync, which needs this follower's hook); earlier results are replayed. */
  start(effects: FollowEffects): void;
  /** Resolves when every effect queued so far has run (tests, shutdown). */
  settled(): Promise<void>;
  /** The highest `seq` the Directory applied. */
  readonly cursorSeq: number;
  close(): Promise<void>;
}

/**
 * Keeps the wedding model's Directory current on this node from the change log (R2.2): loads a
 * snapshot (and rebuilds the live metrics from it, R6.2), then catches up on every commit hint of the
 * bus, before the engine projects a batch (`beforeDeliver`, so a change right after a revocation or
 * sharing change is projected with the new rights, DESIGN §3), and on a safety timer (the bus is only
 * a hint, DESIGN §1). Lost topics are revoked at once on every node (`revokeUser`) before the
 * catch-up resolves; the effects (rescoping, derived events) run after it, in order, never blocking
 * delivery, because they themselves read snapshots that wait on `beforeDeliver`.
 */
export async function followModel(options: {
  model: WeddingModel;
  storage: Storage;
  realtime: RealtimeServer;
  logger: Logger;
  /** Default 5 000. */
  safetyIntervalMs?: number;
}): Promise<ModelFollower> {
  const { model, storage, realtime, logger } = options;
  const follower = model.follow(storage);
  await follower.load();
  model.metrics.rebuild();

  let effects: FollowEffects | undefined;
  const waiting: FollowResult[] = [];
  let effectChain: Promise<void> = Promise.resolve();
  const runEffects = (result: FollowResult) => {
    if (!effects) {
      waiting.push(result);
      return;
    }
    const target = effects;
    effectChain = effectChain.then(async () => {
      try {
        if (result.rescoped.length > 0) await target.rescoped(result.rescoped);
        if (result.applied.length > 0) await target.applied(result.applied);
      } catch (error) {
        logger.error({ err: error }, 'follow effects failed');
      }
    });
  };

  let closed = false;
  /** One catch-up; false when it failed (storage down), so rights may be stale. */
  const runCatchUp = async (): Promise<boolean> => {
    if (closed) return true;
    try {
      const result = await follower.catchUp();
      for (const loss of result.lost) for (const topic of loss.topics) await realtime.revokeUser(loss.userId, topic);
      runEffects(result);
      return true;
    } catch (error) {
      logger.error({ err: error }, 'directory catch-up failed');
      return false;
    }
  };
  let inFlight: Promise<boolean> | undefined;
  let queued: Promise<boolean> | undefined;
  /** A catch-up that begins after this call: the one in flight may have read the log too early. */
  const freshCatchUp = (): Promise<boolean> => {
    if (!inFlight) {
      const run: Promise<boolean> = runCatchUp().finally(() => {
        if (inFlight === run) inFlight = undefined;
      });
      inFlight = run;
      return run;
    }
    queued ??= inFlight.then(() => {
      queued = undefined;
      return freshCatchUp();
    });
    return queued;
  };
  /** Fails closed: when the Directory could not catch up, the engine holds the delivery back. */
  const catchUpTo = async (seq: number) => {
    if (follower.cursorSeq >= seq) return;
    if (inFlight) {
      await inFlight;
      if (follower.cursorSeq >= seq) return;
    }
    if (!(await freshCatchUp())) throw new Error(`the Directory could not catch up to seq ${seq}`);
  };
  /** Scopes the Directory follows or starts following (notifications' `user:*` scopes are not). */
  const followed = (scope: string) => {
    const kind = parseScope(scope)?.kind;
    return kind === 'directory' || kind === 'supplier' || kind === 'wedding';
  };

  await freshCatchUp();
  const unsubscribe = await realtime.bus.subscribe(LOG_HINT_SUBJECT, () => void freshCatchUp());
  const timer = setInterval(() => void freshCatchUp(), options.safetyIntervalMs ?? 5_000);
  timer.unref();
  return {
    async beforeDeliver(changes, upToSeq) {
      const cursor = follower.cursorSeq;
      if (changes.length > 0 && !changes.some((change) => change.seq > cursor && followed(change.scope))) return;
      await catchUpTo(upToSeq);
    },
    async catchUp() {
      await freshCatchUp();
    },
    start(next) {
      effects = next;
      for (const result of waiting.splice(0)) runEffects(result);
    },
    async settled() {
      let seen: Promise<void> | undefined;
      while (seen !== effectChain) {
        seen = effectChain;
        await seen;
      }
    },
    get cursorSeq() {
      return follower.cursorSeq;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await unsubscribe();
      await inFlight;
      await effectChain;
    },
  };
}
