import type { RecordView } from '@wedsync/client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useRecordStore } from './record-store-context.tsx';

/**
 * The records of collection `c` (optionally filtered), recomputed once per store emission that
 * touches `c` — a bulk change of 1,000 rows is one emission, so one render (UI-freeze guard).
 * `predicate` should be stable (useCallback) or it is re-applied on every render.
 */
export function useQuery(c: string, predicate?: (record: RecordView) => boolean): RecordView[] {
  const store = useRecordStore();
  const cache = useRef<{ predicate: typeof predicate; rows: RecordView[] } | null>(null);
  // The store announces every change of a record's view, also a confirmation that changes no value.
  const subscribe = useCallback(
    (onChange: () => void) =>
      store.subscribe((changes) => {
        if (changes.some((change) => change.c === c)) {
          cache.current = null;
          onChange();
        }
      }),
    [store, c],
  );
  const read = useCallback(() => {
    if (!cache.current || cache.current.predicate !== predicate)
      cache.current = { predicate, rows: store.query(c, predicate) };
    return cache.current.rows;
  }, [store, c, predicate]);
  return useSyncExternalStore(subscribe, read, read);
}
