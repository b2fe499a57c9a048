import { type PersistedSyncState, parseSyncState, type QueueStorage, serializeSyncState } from './queue-storage.ts';

/**
 * Keeps the queue in memory, serialised like the real adapters so a "reload" (a new store over the
 * same instance) sees exactly what a browser would. For tests and server-side clients without disk.
 */
export class MemoryQueueStorage implements QueueStorage {
  #text: string | null = null;

  load(): PersistedSyncState | null {
    return this.#text === null ? null : parseSyncState(this.#text);
  }

  save(state: PersistedSyncState): void {
    this.#text = serializeSyncState(state);
  }

  clear(): void {
    this.#text = null;
  }
}
