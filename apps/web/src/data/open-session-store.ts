import { LocalStorageQueueShelf, LocalStorageQueueStorage, RecordStore } from '@wedsync/client';
import { weddingSchemas } from '@wedsync/wedding';
import { claimTabQueue } from './tab-queue-key.ts';

const releases = new WeakMap<RecordStore, () => void>();

/**
 * The person's record store: confirmed records and the offline queue live in this browser's
 * localStorage under a key this tab holds alone (see `claimTabQueue`), so a reload (even offline)
 * keeps every queued change (R11.1) and two tabs of one person never mix their queues.
 */
export async function openSessionStore(userId: string): Promise<RecordStore> {
  const queue = await claimTabQueue(userId);
  try {
    const store = await RecordStore.open({
      storage: new LocalStorageQueueStorage(window.localStorage, queue.key),
      schemas: weddingSchemas,
      // A tab that was closed with changes still queued: this open tab sends them (R11.1) once its
      // lease has lapsed, instead of waiting for the next tab to claim the queue.
      orphanQueues: { shelf: new LocalStorageQueueShelf(window.localStorage, `wedsync.sync.${userId}`), key: queue.key },
    });
    releases.set(store, queue.release);
    return store;
  } catch (error) {
    queue.release();
    throw error;
  }
}

/**
 * Closes the store — drafts still held by inputs go into the queue first, which stays saved (logout
 * loses nothing, R11.1) — and lets another tab take its queue.
 */
export async function closeSessionStore(store: RecordStore): Promise<void> {
  await store.close();
  releases.get(store)?.();
  releases.delete(store);
}
