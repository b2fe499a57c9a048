import type { OutboxProgress } from '@wedsync/client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useRecordStore } from './record-store-context.tsx';

/**
 * Queue size, sync progress and last-synced time of the offline queue (R11.2, R11.3). The outbox
 * builds a new progress object per call, so the last emitted one is kept as the stable snapshot.
 */
export function useOutboxProgress(): OutboxProgress {
  const store = useRecordStore();
  const latest = useRef<{ store: unknown; progress: OutboxProgress } | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) =>
      store.outbox.on('progress', (progress) => {
        latest.current = { store, progress };
        onChange();
      }),
    [store],
  );
  const read = useCallback(() => {
    if (latest.current?.store !== store) latest.current = { store, progress: store.outbox.progress() };
    return latest.current.progress;
  }, [store]);
  return useSyncExternalStore(subscribe, read, read);
}
