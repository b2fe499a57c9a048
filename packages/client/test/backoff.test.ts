import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs, DEFAULT_BACKOFF } from '../src/index.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('backoff (R1.4)', () => {
  it('R1.4 ceilings grow exponentially from baseMs and stop at capMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 50, 5000].map((attempt) => backoffCeilingMs(attempt, DEFAULT_BACKOFF));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('R1.4 full jitter: the delay is random * ceiling, never above the cap', () => {
    expect(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0.5)).toBe(500);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.25)).toBe(1_000);
    expect(backoffDelayMs(40, DEFAULT_BACKOFF, () => 0.999999)).toBeLessThan(30_000);
  });

  it('R1.4 every delay lies in [0, min(cap, base·2^(attempt−1))) for any attempt and random draw', () => {
    console.log(`fast-check seed ${seed} (set FC_SEED to replay)`);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        (attempt, draw, baseMs, capMs) => {
          const options = { baseMs, capMs, stableResetMs: 60_000 };
          const delay = backoffDelayMs(attempt, options, () => draw);
          const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(Number.isFinite(delay)).toBe(true);
        },
      ),
      { seed },
    );
  });

  it('R1.4 with a uniform source the delays spread over the whole window (jitter, not a fixed step)', () => {
    let state = seed % 2_147_483_647 || 1;
    const lcg = () => {
      state = (state * 48_271) % 2_147_483_647;
      return (state - 1) / 2_147_483_646;
    };
    const delays = Array.from({ length: 4_000 }, () => backoffDelayMs(4, DEFAULT_BACKOFF, lcg));
    const buckets = [0, 0, 0, 0];
    for (const delay of delays) buckets[Math.floor(delay / 2_000)]! += 1;
    // 8 000 ms window in four 2 000 ms buckets: each holds roughly a quarter.
    for (const count of buckets) expect(count).toBeGreaterThan(800);
    expect(new Set(delays).size).toBeGreaterThan(1_000);
  });
});
