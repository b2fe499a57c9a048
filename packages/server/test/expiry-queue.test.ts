import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExpiryQueue } from '../src/session/expiry-queue.ts';
import { Harness, signToken } from './engine-harness.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const harness = new Harness();

afterEach(async () => {
  vi.useRealTimers();
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

const timeouts = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

describe('R14.1 token expiries of all sessions share one timer (issue 9, DESIGN §7)', () => {
  it(`expires each item once, never before its due time, in due order, with at most one timer (seed ${seed})`, () => {
    console.log(`expiry-queue seed: ${seed} (rerun with FC_SEED=${seed})`);
    vi.useFakeTimers({ now: 1_000_000 });
    const next = random(seed);
    const expired: Array<{ id: number; atMs: number }> = [];
    const queue = new ExpiryQueue<{ id: number; expiryIndex: number }>({
      nowMs: Date.now,
      onExpire: (item) => expired.push({ id: item.id, atMs: Date.now() }),
    });
    const items = Array.from({ length: 500 }, (_, id) => ({ id, expiryIndex: -1 }));
    const dueById = new Map<number, number>();
    for (const item of items) {
      const dueMs = Date.now() + Math.floor(next() * 60_000);
      queue.schedule(item, dueMs);
      dueById.set(item.id, dueMs);
    }
    for (const item of items) {
      const roll = next();
      if (roll < 0.2) {
        queue.cancel(item);
        dueById.delete(item.id);
      } else if (roll < 0.4) {
        const dueMs = Date.now() + Math.floor(next() * 120_000); // a refresh: later or earlier
        queue.schedule(item, dueMs);
        dueById.set(item.id, dueMs);
      }
    }
    let maxTimers = 0;
    while (queue.size > 0) {
      vi.advanceTimersByTime(Math.floor(next() * 5_000));
      maxTimers = Math.max(maxTimers, vi.getTimerCount());
    }
    expect(maxTimers).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(expired.map((entry) => entry.id).sort((a, b) => a - b)).toEqual([...dueById.keys()].sort((a, b) => a - b));
    for (const { id, atMs } of expired) expect(atMs).toBeGreaterThanOrEqual(dueById.get(id)!);
    const dues = expired.map(({ id }) => dueById.get(id)!);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(items.every((item) => item.expiryIndex === -1)).toBe(true);
  });

  it('re-checks the clock when the timer fires early and closes without leaving a timer', () => {
    vi.useFakeTimers({ now: 0 });
    let offsetMs = 0;
    const expired: number[] = [];
    const queue = new ExpiryQueue<{ expiryIndex: number }>({
      nowMs: () => Date.now() + offsetMs,
      onExpire: () => expired.push(Date.now()),
    });
    queue.schedule({ expiryIndex: -1 }, 1_000);
    offsetMs = -500; // the injected clock fell behind: at the timer it is not yet due
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(expired).toEqual([1_500]);
    queue.schedule({ expiryIndex: -1 }, 10_000);
    queue.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('R14.1 a server with many authenticated connections runs one expiry timer for all of them', async () => {
    const { wsUrl } = await harness.start();
    const before = timeouts();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) => signToken(`u${index}`, { expiresInSec: 600 + index })),
    );
    const clients = await Promise.all(tokens.map((token) => harness.connect(wsUrl, { token })));
    await Promise.all(clients.map((client) => client.heartbeat()));
    expect(timeouts() - before).toBeLessThanOrEqual(1);
  });
});
