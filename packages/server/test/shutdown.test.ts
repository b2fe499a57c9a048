import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import { createRealtimeServer, InProcessBusHub } from '../src/index.ts';
import { PhxClient, SECRET, signToken, until } from './engine-harness.ts';

function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

describe('graceful close()', () => {
  it('R1.4 closes every socket with SERVER_SHUTTING_DOWN and releases every timer, handle and bus subscription', async () => {
    const before = resourceCounts();
    const hub = new InProcessBusHub();
    const bus = hub.createBus('node-x');
    const server = await createRealtimeServer({
      jwtSecret: SECRET,
      bus,
      heartbeatIntervalMs: 1_000,
      presenceHeartbeatMs: 100,
    });
    const { wsUrl } = await server.listen();
    const clients = await Promise.all(
      ['ann', 'bob'].map(async (user) => PhxClient.connect(wsUrl, { token: await signToken(user) })),
    );
    for (const client of clients) {
      const { joinRef } = await client.join('realtime:wedding:w1', {
        config: { presence: { key: 'k', enabled: true } },
      });
      await client.push(
        'realtime:wedding:w1',
        'presence',
        { type: 'presence', event: 'track', payload: { status: 'active' } },
        joinRef,
      );
    }
    expect(hub.subscribers.size).toBeGreaterThan(0);
    expect(resourceCounts().Timeout ?? 0).toBeGreaterThan(before.Timeout ?? 0); // sweep, presence and token-expiry timers

    await server.close();
    for (const client of clients) {
      const closed = await client.closed;
      expect(closed.code).toBe(CLOSE_CODES.SERVER_SHUTTING_DOWN.code);
      expect(parseErrorReason(closed.reason).code).toBe('SERVER_SHUTTING_DOWN');
    }
    expect(server.stats()).toEqual({ sessions: 0, users: 0, topics: 0, memberships: 0, presenceTopics: 0 });
    expect(hub.subscribers.size).toBe(0);
    // libuv releases a closed listening handle a few turns after the close callback: wait for it, then compare.
    const settled = () => Object.entries(resourceCounts()).every(([type, count]) => count <= (before[type] ?? 0));
    await until(settled).catch(() => {});
    const after = resourceCounts();
    for (const [type, count] of Object.entries(after))
      expect(count, `${type} before ${JSON.stringify(before)}`).toBeLessThanOrEqual(before[type] ?? 0);
    await server.close(); // idempotent
    await bus.close();
  });

  it('R1.4 refuses new connections once closing began', async () => {
    const server = await createRealtimeServer({ jwtSecret: SECRET });
    const { wsUrl } = await server.listen();
    const closing = server.close();
    const late = await PhxClient.connect(wsUrl, { token: await signToken('ann'), waitOpen: false });
    const result = await Promise.race([late.closed, new Promise((resolve) => late.socket.once('error', resolve))]);
    expect(result).toBeDefined();
    await closing;
  });
});
