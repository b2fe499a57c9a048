import { nowUs } from '../clock/monotonic-clock.ts';

export interface OpenLoopResult {
  startUs: number;
  endUs: number;
  /** Largest delay between a send's scheduled time and when it was issued (the sender falling behind). */
  maxLagUs: number;
}

/**
 * Issues `count` events at a fixed rate, independent of how fast the system answers (open loop).
 * Event k is scheduled at `startUs + k / rate`; a 1 ms timer issues everything that is due, so a
 * stalled loop catches up in a burst, and `send` gets the *scheduled* time to stamp.
 */
export function runOpenLoop(
  count: number,
  ratePerSecond: number,
  send: (index: number, scheduledUs: number) => void,
  startUs = nowUs() + 2_000,
): Promise<OpenLoopResult> {
  const intervalUs = 1_000_000 / ratePerSecond;
  let next = 0;
  let maxLagUs = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = nowUs();
      while (next < count) {
        const scheduledUs = Math.round(startUs + next * intervalUs);
        if (scheduledUs > now) break;
        maxLagUs = Math.max(maxLagUs, now - scheduledUs);
        send(next, scheduledUs);
        next++;
      }
      if (next >= count) resolve({ startUs, endUs: nowUs(), maxLagUs });
      else setTimeout(tick, 1);
    };
    setTimeout(tick, Math.max(0, (startUs - nowUs()) / 1000));
  });
}
