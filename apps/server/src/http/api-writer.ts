import type { Mutation, MutationResult } from '@wedsync/protocol';
import type { RecordSync, Storage } from '@wedsync/server';

/**
 * Writes made through the HTTP API, committed with `RecordSync.commit` so they are delivered to every
 * channel like a client's mutation. Each person gets one mutation queue per node
 * (client id `api-{nodeId}`); mutation ids continue from the storage's last one for that queue and
 * are handed out one request at a time, so two concurrent requests never share an id (which would
 * make the second a silent duplicate).
 */
export class ApiWriter {
  private readonly queues = new Map<string, { tail: Promise<unknown>; lastMid: number | undefined }>();

  constructor(
    private readonly sync: RecordSync,
    private readonly storage: Storage,
    private readonly nodeId: string,
  ) {}

  private get clientId(): string {
    return `api-${this.nodeId}`;
  }

  commit(
    actor: { userId: string; name: string },
    scope: string,
    mutation: Omit<Mutation, 'mid'>,
    nowMs: number,
  ): Promise<MutationResult> {
    let queue = this.queues.get(actor.userId);
    if (!queue) {
      queue = { tail: Promise.resolve(), lastMid: undefined };
      this.queues.set(actor.userId, queue);
    }
    const state = queue;
    const run = async (): Promise<MutationResult> => {
      // The engine keys client ids by user (`{userId}:{clientId}`, see storageClientId).
      state.lastMid ??= await this.storage.lastMutationId(`${actor.userId}:${this.clientId}`);
      const mid = state.lastMid + 1;
      state.lastMid = mid;
      const { results } = await this.sync.commit({
        clientId: this.clientId,
        actor,
        scope,
        mutations: [{ ...mutation, mid }],
        nowMs,
      });
      const result = results[0];
      if (!result) throw new Error('no mutation result');
      return result;
    };
    const next = state.tail.then(run, run);
    state.tail = next.catch(() => {
      state.lastMid = undefined;
    });
    return next;
  }
}
