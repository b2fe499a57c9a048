import type { ConflictEvent } from '@wedsync/client';
import type { Conflict } from '@wedsync/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useRecordStore } from './record-store-context.tsx';

/** One field edited against a value that has since changed (R4.2 `manual`), waiting for the user. */
export interface ManualConflict {
  /** Stable key: collection, record, field and the mutation that hit it. */
  key: string;
  c: string;
  id: string;
  /** Field name (the app's vocabulary). */
  field: string;
  conflict: Conflict;
}

export interface ManualConflicts {
  /** Oldest first. */
  pending: ManualConflict[];
  /**
   * Resolves with a new mutation: the chosen value is written over theirs (through `topic` when given);
   * `null` keeps theirs (no write).
   */
  resolve: (item: ManualConflict, value: unknown | null, topic?: string) => void;
  /** Decide later: hides it until the next conflict of the same field. */
  dismiss: (item: ManualConflict) => void;
}

/**
 * Conflicts the server returned for `manual` fields (R4.2, R15.1), from the outbox's `conflict` events:
 * the user sees both versions and picks or merges; the resolution is a new mutation made against the
 * version that holds theirs, so it applies.
 */
export function useManualConflicts(): ManualConflicts {
  const store = useRecordStore();
  const [pending, setPending] = useState<ManualConflict[]>([]);

  useEffect(
    () =>
      store.outbox.on('conflict', (event: ConflictEvent) => {
        const { c, id, mid } = event.mutation;
        const collection = store.schemas.collection(c);
        const found = event.conflicts.map((conflict) => ({
          key: `${c}/${id}/${conflict.f}/${mid}`,
          c,
          id,
          field: collection?.byId.get(conflict.f)?.name ?? String(conflict.f),
          conflict,
        }));
        setPending((list) => [
          ...list.filter(
            (item) => !found.some((next) => next.c === item.c && next.id === item.id && next.field === item.field),
          ),
          ...found,
        ]);
      }),
    [store],
  );

  const dismiss = useCallback((item: ManualConflict) => {
    setPending((list) => list.filter((candidate) => candidate.key !== item.key));
  }, []);

  const resolve = useCallback(
    (item: ManualConflict, value: unknown | null, topic?: string) => {
      dismiss(item);
      if (value === null) return;
      // Made against the version holding theirs, or the server would see a second conflict.
      const write = () => store.set(item.c, item.id, item.field, value, topic ? { topic } : {});
      if ((store.record(item.c, item.id)?.v ?? 0) >= item.conflict.v) return void write();
      const stop = store.subscribe(() => {
        if ((store.record(item.c, item.id)?.v ?? 0) < item.conflict.v) return;
        stop();
        write();
      });
    },
    [store, dismiss],
  );

  return { pending, resolve, dismiss };
}
