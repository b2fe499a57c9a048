import type { RecordView } from '@wedsync/client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useRecordStore } from './record-store-context.tsx';

/**
 * One record's optimistic view (confirmed + pending edits), re-rendering only when that record
 * changes — its values, its version or its unconfirmed fields. `undefined` while the record is unknown
 * or deleted.
 */
export function useRecord(c: string, id: string | null): RecordView | undefined {
  const store = useRecordStore();
  const cache = useRef<{ key: string; view: RecordView | undefined } | null>(null);
  const key = `${c}/${id ?? ''}`;
  // The store announces every change of a record's view, also a confirmation that changes no value.
  const subscribe = useCallback(
    (onChange: () => void) =>
      store.subscribe((changes) => {
        if (changes.some((change) => change.c === c && change.id === id)) {
          cache.current = null;
          onChange();
        }
      }),
    [store, c, id],
  );
  const read = useCallback(() => {
    if (cache.current?.key !== key) cache.current = { key, view: id ? store.record(c, id) : undefined };
    return cache.current.view;
  }, [store, c, id, key]);
  return useSyncExternalStore(subscribe, read, read);
}
