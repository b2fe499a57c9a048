import {
  type PersistedSyncState,
  parseSyncState,
  type QueueStorage,
  QueueStorageError,
  serializeSyncState,
} from './queue-storage.ts';

/** The part of the Web Storage API the adapter uses (`window.localStorage`, or a stand-in in tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const DEFAULT_QUEUE_STORAGE_KEY = 'wedsync.sync-state';

/**
 * The browser adapter (R11.1): one `localStorage` item per queue, written synchronously, so a change is
 * on disk before `store.set` returns. Give each tab that needs its own queue its own key. A full
 * storage (quota) surfaces as `QueueStorageError('STORAGE_UNAVAILABLE')`.
 */
export class LocalStorageQueueStorage implements QueueStorage {
  readonly #storage: StorageLike;
  readonly #key: string;

  constructor(storage: StorageLike, key: string = DEFAULT_QUEUE_STORAGE_KEY) {
    this.#storage = storage;
    this.#key = key;
  }

  load(): PersistedSyncState | null {
    const text = this.#storage.getItem(this.#key);
    return text === null ? null : parseSyncState(text);
  }

  save(state: PersistedSyncState): void {
    try {
      this.#storage.setItem(this.#key, serializeSyncState(state));
    } catch (error) {
      throw new QueueStorageError('STORAGE_UNAVAILABLE', `Could not save the offline queue: ${String(error)}`, {
        cause: error,
      });
    }
  }

  clear(): void {
    this.#storage.removeItem(this.#key);
  }
}
