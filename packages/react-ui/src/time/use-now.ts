import { useEffect, useState } from 'react';

/**
 * The current time in epoch ms, re-read every `intervalMs` (default 15 s) so relative wording
 * ("2 minutes ago") stays true. Pass `enabled: false` to stop ticking (e.g. nothing to show),
 * which also avoids timers while a component has nothing time-dependent on screen.
 */
export function useNow(intervalMs = 15_000, enabled = true): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNowMs(Date.now());
    const timer = setInterval(() => setNowMs(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, enabled]);
  return nowMs;
}
