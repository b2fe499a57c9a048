export interface BackoffOptions {
  /** Delay after the first failure; default 2 000 ms. */
  baseMs?: number;
  /** Cap; default 1 hour. */
  maxMs?: number;
}

/**
 * Exponential backoff with equal jitter: after attempt n the next one waits between half and all of
 * `min(maxMs, baseMs × 2^(n-1))`, so many failed jobs do not retry in one burst.
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 2_000;
  const ceiling = Math.min(options.maxMs ?? 3_600_000, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
