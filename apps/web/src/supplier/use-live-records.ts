import type { RecordView } from '@wedsync/client';
import { useOutboxProgress, useQuery, useRecordStore } from '@wedsync/react';
import { useMemo } from 'react';

/**
 * `useQuery(c)` that also follows the confirmation of my own edits. The store announces visible field
 * changes only, so when the server confirms a record created or edited here (same fields, new version,
 * no longer pending) `useQuery` keeps the old view — "tentative" or "sending…" marks would never
 * clear. The outbox reports every settle as progress, so the rows are re-read then too.
 */
export function useLiveRecords(c: string): RecordView[] {
  const store = useRecordStore();
  const rows = useQuery(c);
  const progress = useOutboxProgress();
  // biome-ignore lint/correctness/useExhaustiveDependencies: rows and progress are the triggers of the re-read.
  return useMemo(() => store.query(c), [store, c, rows, progress]);
}
