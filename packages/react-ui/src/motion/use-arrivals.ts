import { useEffect, useRef, useState } from 'react';

/**
 * Ids that appeared since the previous render, each kept for `highlightMs` (R6.1, R7.2 "new items
 * animate in"). Ids present on the first render are not new. Timers are cleared on unmount.
 */
export function useArrivals(ids: readonly string[], highlightMs: number): ReadonlySet<string> {
  const seen = useRef<Set<string> | null>(null);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const [fresh, setFresh] = useState<ReadonlySet<string>>(() => new Set());

  useEffect(() => {
    if (seen.current === null) {
      seen.current = new Set(ids);
      return;
    }
    const arrived: string[] = [];
    for (const id of ids) {
      if (!seen.current.has(id)) {
        arrived.push(id);
        seen.current.add(id);
      }
    }
    if (arrived.length === 0) return;
    setFresh((previous) => new Set([...previous, ...arrived]));
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setFresh((previous) => {
        const next = new Set(previous);
        for (const id of arrived) next.delete(id);
        return next;
      });
    }, highlightMs);
    timers.current.add(timer);
  }, [ids, highlightMs]);

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    };
  }, []);
  return fresh;
}
