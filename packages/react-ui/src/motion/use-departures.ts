import { useEffect, useRef, useState } from 'react';

export interface Presented<T> {
  item: T;
  /** True while the item fades out after it disappeared from the input. */
  leaving: boolean;
}

/**
 * Keeps items that vanished from `items` for `leaveMs` so they can fade out (R7.2 "deleted ones fade
 * out"), at the index they had. Items that come back are live again at once.
 */
export function useDepartures<T extends { id: string }>(items: readonly T[], leaveMs: number): Presented<T>[] {
  const [leaving, setLeaving] = useState<ReadonlyMap<string, { item: T; index: number }>>(() => new Map());
  const previous = useRef<readonly T[]>(items);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const present = new Set(items.map((item) => item.id));
    const gone = previous.current.flatMap((item, index) => (present.has(item.id) ? [] : [{ item, index }]));
    previous.current = items;
    setLeaving((current) => {
      const next = new Map(current);
      for (const id of next.keys()) {
        if (present.has(id)) {
          next.delete(id);
          clearTimeout(timers.current.get(id));
          timers.current.delete(id);
        }
      }
      for (const entry of gone) next.set(entry.item.id, entry);
      return next.size === current.size && gone.length === 0 ? current : next;
    });
    for (const entry of gone) {
      clearTimeout(timers.current.get(entry.item.id));
      timers.current.set(
        entry.item.id,
        setTimeout(() => {
          timers.current.delete(entry.item.id);
          setLeaving((current) => {
            const next = new Map(current);
            next.delete(entry.item.id);
            return next;
          });
        }, leaveMs),
      );
    }
  }, [items, leaveMs]);

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    };
  }, []);

  const result: Presented<T>[] = items.map((item) => ({ item, leaving: false }));
  const byIndex = [...leaving.values()].sort((a, b) => a.index - b.index);
  for (const entry of byIndex) {
    result.splice(Math.min(entry.index, result.length), 0, { item: entry.item, leaving: true });
  }
  return result;
}
