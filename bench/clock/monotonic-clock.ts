/**
 * Microseconds on CLOCK_MONOTONIC, comparable across the processes of one machine (the server under
 * test and every load worker read the same clock), so a stamp written in one process can be
 * subtracted in another. `performance.now()` is hrtime-based; the offset to the absolute hrtime is
 * taken once per process, which keeps the hot path free of BigInt work.
 */
const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;

export function nowUs(): number {
  return Math.round(performance.now() * 1000 + offsetUs);
}

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
