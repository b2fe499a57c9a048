import type { RecordChangeInfo } from '@wedsync/client';
import { useEffect, useRef } from 'react';
import { useRecordStore } from './record-store-context.tsx';

/**
 * Calls `listener` with every batch of visible record changes (for toasts, glows, activity: R3.3).
 * The latest listener is used without resubscribing.
 */
export function useRecordChanges(listener: (changes: RecordChangeInfo[]) => void): void {
  const store = useRecordStore();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => store.subscribe((changes) => latest.current(changes)), [store]);
}
