import { useEffect, useRef, useState } from 'react';

/**
 * True for `durationMs` after `trigger` changes (never on first render). Drives brief highlights:
 * the field glow of R3.3, metric flashes of R6.2, "just updated" marks of R3.4.
 */
export function useTransientFlag(trigger: unknown, durationMs: number): boolean {
  const [active, setActive] = useState(false);
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each change of `trigger` restarts the flag; that is the contract.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setActive(true);
    const timer = setTimeout(() => setActive(false), durationMs);
    return () => clearTimeout(timer);
  }, [trigger, durationMs]);
  return active;
}
