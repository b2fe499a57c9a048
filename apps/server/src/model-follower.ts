import { LOG_HINT_SUBJECT, type RealtimeServer, type Storage } from '@wedsync/server';
import type { WeddingModel } from '@wedsync/wedding';
import type { Logger } from 'pino';

export interface ModelFollower {
  /** Applies every committed change up to now (rights, sharing, derived data). */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps the wedding model's Directory current on this node from the change log (R2.2): loads a
 * snapshot, then catches up on every commit hint of the bus, and ends the subscriptions of anyone
 * who lost a topic at once (`revokeUser` reaches every node). A safety timer catches up when a hint
 * was lost (the bus is only a hint, DESIGN §1).
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
  const catchUp = async () => {
    try {
      const result = await follower.catchUp();
      for (const loss of result.lost) for (const topic of loss.topics) await realtime.revokeUser(loss.userId, topic);
    } catch (error) {
      logger.error({ err: error }, 'directory catch-up failed');
    }
  };
  const unsubscribe = await realtime.bus.subscribe(LOG_HINT_SUBJECT, () => void catchUp());
  const timer = setInterval(() => void catchUp(), options.safetyIntervalMs ?? 5_000);
  timer.unref();
  return {
    catchUp,
    async close() {
      clearInterval(timer);
      await unsubscribe();
    },
  };
}
