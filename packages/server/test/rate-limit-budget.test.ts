import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FixedWindowBudget } from '../src/limits/message-rate-limiter.ts';
import { Harness, signToken } from './engine-harness.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

const harness = new Harness();
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await harness.dispose();
});

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(state: number): () => number {
  let value = state;
  return () => {
    value = (value + 0x6d2b79f5) | 0;
    let t = Math.imul(value ^ (value >>> 15), 1 | value);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('R14.1 the in-memory message budget (issue 9: no timer per user)', () => {
  it(`answers like rate-limiter-flexible's RateLimiterMemory on a random sequence (seed ${seed})`, async () => {
    console.log(`rate-limit-budget seed: ${seed} (rerun with FC_SEED=${seed})`);
    vi.useFakeTimers({ now: 1_000_000 });
    const next = random(seed);
    const budget = new FixedWindowBudget(5, 1_000, Date.now);
    const reference = new RateLimiterMemory({ points: 5, duration: 1 });
    for (let step = 0; step < 2_000; step++) {
      vi.advanceTimersByTime(Math.floor(next() * 120));
      const key = `u:${Math.floor(next() * 4)}`;
      const points = next() < 0.1 ? 3 : 1;
      const ours = budget.consume(key, points);
      const theirs = await reference.consume(key, points).then(
        () => ({ ok: true }),
        (error: RateLimiterRes) => ({ ok: false, retryAfterMs: Math.max(1, Math.ceil(error.msBeforeNext)) }),
      );
      expect(ours, `step ${step}`).toEqual(theirs);
    }
  });

  it('drops ended windows without a timer', () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new FixedWindowBudget(2, 1_000, Date.now);
    for (let user = 0; user < 100; user++) budget.consume(`u:${user}`, 1);
    expect([budget.size, vi.getTimerCount()]).toEqual([100, 0]);
    vi.advanceTimersByTime(1_000);
    expect(budget.consume('u:0', 1)).toEqual({ ok: true });
    expect(budget.size).toBe(1);
    vi.advanceTimersByTime(1_000);
    budget.sweep(); // the server's housekeeping: users who went quiet leave no window behind
    expect(budget.size).toBe(0);
  });

  it('R14.1 a server counting messages of many users starts no timer per user', async () => {
    /** setTimeout calls (server and test client) while 20 users join a channel. */
    const timersForJoins = async (rateLimit: { points: number; durationMs: number } | false) => {
      const { wsUrl } = await harness.start({ rateLimit });
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, index) => signToken(`u${index}`)));
      const clients = await Promise.all(tokens.map((token) => harness.connect(wsUrl, { token })));
      const setTimeoutCalls = vi.spyOn(globalThis, 'setTimeout');
      await Promise.all(clients.map((client) => client.join('realtime:room')));
      const calls = setTimeoutCalls.mock.calls.length;
      setTimeoutCalls.mockRestore();
      return calls;
    };
    const withoutLimit = await timersForJoins(false);
    expect(await timersForJoins({ points: 100, durationMs: 60_000 })).toBe(withoutLimit);
  });
});
