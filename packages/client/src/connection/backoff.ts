/** Reconnect backoff (R1.4): exponential, capped, full jitter, reset after a stable period. */
export interface BackoffOptions {
  /** Upper bound of the first retry's delay. Default 1 000 ms. */
  baseMs: number;
  /** No delay exceeds this. Default 30 000 ms. */
  capMs: number;
  /** Connected this long without a drop → the attempt counter goes back to 0. Default 60 000 ms. */
  stableResetMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 30_000, stableResetMs: 60_000 };

/**
 * Delay before retry number `attempt` (1 = first retry): uniform in [0, min(cap, base · 2^(attempt−1))).
 * Full jitter spreads a crowd of clients that lost the same server, so a restart is not a stampede.
 * `random` returns a number in [0, 1).
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity long after it passed the cap; Math.min keeps it finite.
  const ceilingMs = Math.min(options.capMs, options.baseMs * 2 ** Math.min(exponent, 1_000));
  const unit = Math.min(Math.max(random(), 0), 1);
  return Math.floor(unit * ceilingMs);
}

/** The ceiling `backoffDelayMs` draws under, for status displays and tests. */
export function backoffCeilingMs(attempt: number, options: BackoffOptions): number {
  return Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 1_000));
}
