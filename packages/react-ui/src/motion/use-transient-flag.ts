import { useEffect, useRef, useState } from 'react';

/**
 * True for `durationMs` after `trigger` changes (never on first render, also under StrictMode's
 * double effects). Drives brief highlights: the field glow of R3.3, "just updated" marks of R3.4.
 */
export function useTransientFlag(trigger: unknown, durationMs: number): boolean {
  const [active, setActive] = useState(false);
  const previous = useRef(trigger);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (Object.is(previous.current, trigger)) return;
    previous.current = trigger;
    setActive(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setActive(false), durationMs);
  }, [trigger, durationMs]);

  useEffect(() => () => clearTimeout(timer.current), []);
  return active;
}
