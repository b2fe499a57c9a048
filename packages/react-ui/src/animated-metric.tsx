import { useEffect, useRef, useState } from 'react';
import { useReducedMotion } from './motion/use-reduced-motion.ts';

export interface AnimatedMetricProps {
  label: string;
  value: number;
  format?: (value: number) => string;
  /** Tween length; default 600 ms. Reduced motion skips the tween. */
  durationMs?: number;
  /** A change of at least this fraction of the old value flashes; default 0.1 (10 %). */
  significantRatio?: number;
  /** Optional hint under the number, e.g. "today". */
  hint?: string;
}

const defaultFormat = (value: number) => Math.round(value).toLocaleString();

/**
 * A live metric (R6.2): animates from the old value to the new one (ease-out, never a jump unless the
 * user prefers reduced motion) and flashes green/red on a significant rise/fall. Screen readers get
 * only the final value, not each animation frame.
 */
export function AnimatedMetric({
  label,
  value,
  format = defaultFormat,
  durationMs = 600,
  significantRatio = 0.1,
  hint,
}: AnimatedMetricProps) {
  const reducedMotion = useReducedMotion();
  const [shown, setShown] = useState(value);
  const [flash, setFlash] = useState<'up' | 'down' | null>(null);
  const shownRef = useRef(value);
  const previousValue = useRef(value);
  const flashTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(flashTimer.current), []);

  useEffect(() => {
    const from = shownRef.current;
    const old = previousValue.current;
    previousValue.current = value;
    if (old === value) return;
    const ratio = old === 0 ? 1 : Math.abs(value - old) / Math.abs(old);
    if (ratio >= significantRatio) {
      setFlash(value > old ? 'up' : 'down');
      clearTimeout(flashTimer.current);
      flashTimer.current = setTimeout(() => setFlash(null), 1200);
    }
    if (reducedMotion || typeof requestAnimationFrame !== 'function') {
      shownRef.current = value;
      setShown(value);
      return;
    }
    const startMs = performance.now();
    let frame = requestAnimationFrame(function step(timeMs) {
      const progress = Math.min(1, (timeMs - startMs) / durationMs);
      const eased = 1 - (1 - progress) ** 3;
      const next = from + (value - from) * eased;
      shownRef.current = next;
      setShown(next);
      if (progress < 1) frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [value, durationMs, significantRatio, reducedMotion]);

  return (
    <div className="ws-metric" data-flash={flash ?? undefined}>
      <span className="ws-metric__label">{label}</span>
      <span className="ws-metric__value" aria-hidden="true">
        {format(shown)}
      </span>
      <span className="ws-visually-hidden">{`${label}: ${format(value)}`}</span>
      {hint ? <span className="ws-metric__hint">{hint}</span> : null}
    </div>
  );
}
