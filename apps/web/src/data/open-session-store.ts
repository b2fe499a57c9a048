import { LocalStorageQueueStorage, RecordStore } from '@wedsync/client';
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
    });
    releases.set(store, queue.release);
    return store;
  } catch (error) {
    queue.release();
    throw error;
  }
}

/** Closes the store (its queue stays saved) and lets another tab take its queue. */
export async function closeSessionStore(store: RecordStore): Promise<void> {
  await store.outbox.close();
  releases.get(store)?.();
  releases.delete(store);
}
