import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, PhxClient, signToken, until } from './engine-harness.ts';

/**
 * "Leaked connections or timers" must be impossible (SPEC, failures): 1,000 connect → join → presence
 * → broadcast → disconnect cycles leave the server's maps empty, no extra handles or timers, and
 * the heap (after a forced GC) within a bound.
 */
v8.setFlagsFromString('--expose-gc');
const gc: () => void = globalThis.gc ?? vm.runInNewContext('gc');

const harness = new Harness();
afterAll(() => harness.dispose());

const USERS = 10;
const CYCLES = 1_000;
const BATCH = 20;

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function describeCounts(counts: Map<string, number>): string {
  return JSON.stringify(Object.fromEntries([...counts].sort()));
}

async function cycle(wsUrl: string, tokens: string[], index: number): Promise<void> {
  const client = await PhxClient.connect(wsUrl, { token: tokens[index % USERS] });
  const topic = `realtime:wedding:w${index % 7}`;
  const { joinRef } = await client.join(topic, {
    config: { presence: { key: `k${index}`, enabled: true }, broadcast: { ack: true } },
  });
  await client.push(topic, 'presence', { type: 'presence', event: 'track', payload: { status: 'active' } }, joinRef);
  await client.push(topic, 'broadcast', { type: 'broadcast', event: 'e', payload: { index } }, joinRef);
  if (index % 2 === 0) client.close();
  else client.terminate();
  await client.closed;
}

describe('leaks: connections, timers, maps, heap', () => {
  it(`${CYCLES} connect/join/disconnect cycles leave no sessions, handles, timers or heap growth behind`, async () => {
    const { server, wsUrl } = await harness.start({
      rateLimit: { points: 10_000, durationMs: 1_000 },
      heartbeatIntervalMs: 1_000,
      presenceHeartbeatMs: 50,
    });
    const tokens = await Promise.all(Array.from({ length: USERS }, (_, index) => signToken(`user-${index}`)));
    const idle = () => {
      const stats = server.stats();
      return (
        stats.sessions === 0 &&
        stats.users === 0 &&
        stats.topics === 0 &&
        stats.memberships === 0 &&
        stats.presenceTopics === 0
      );
    };
    // Warm up (JIT, lazy module state, the rate limiter's per-user entries), then take the baseline.
    for (let index = 0; index < 2 * BATCH; index++) await cycle(wsUrl, tokens, index);
    await until(idle);
    gc();
    const baseline = resourceCounts();
    const heapBefore = process.memoryUsage().heapUsed;

    for (let start = 0; start < CYCLES; start += BATCH) {
      await Promise.all(Array.from({ length: BATCH }, (_, offset) => cycle(wsUrl, tokens, start + offset)));
    }
    await until(idle);
    expect(server.sessionCount).toBe(0);

    // Handles: every type back to at most its baseline. No slack for timers: the rate limiter keeps no
    // timer per user and token expiries share one timer (ExpiryQueue), so any extra Timeout is a leak.
    const allowed = (type: string) => baseline.get(type) ?? 0;
    await until(() => [...resourceCounts()].every(([type, count]) => count <= allowed(type)), 5_000).catch(() => {});
    const after = resourceCounts();
    for (const [type, count] of after)
      expect(count, `${type}: before ${describeCounts(baseline)} after ${describeCounts(after)}`).toBeLessThanOrEqual(
        allowed(type),
      );

    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.log(
      `leak test: heap growth after ${CYCLES} cycles: ${(heapGrowth / 1024).toFixed(0)} KiB; handles before ${describeCounts(baseline)} after ${describeCounts(after)}`,
    );
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
  });
});
