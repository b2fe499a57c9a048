import { CLOSE_CODES } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R1.3 heartbeat', () => {
  it('R1.3 answers a heartbeat on topic phoenix with an ok phx_reply carrying its ref', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('u1') });
    const reply = await client.heartbeat();
    expect(reply).toMatchObject({
      joinRef: null,
      topic: 'phoenix',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
    });
  });

  it('R1.3 drops a client silent for two heartbeat intervals with HEARTBEAT_TIMEOUT and counts it', async () => {
    const heartbeatIntervalMs = 100;
    const { wsUrl, server } = await harness.start({ heartbeatIntervalMs });
    const silent = await harness.connect(wsUrl, { token: await signToken('u1') });
    const openedAt = Date.now();
    await silent.join('realtime:room');
    const closed = await silent.closed;
    const silentForMs = Date.now() - openedAt;
    expect(closed.code).toBe(CLOSE_CODES.HEARTBEAT_TIMEOUT.code);
    expect(closed.reason).toMatch(/^HEARTBEAT_TIMEOUT: /);
    expect(silentForMs).toBeGreaterThanOrEqual(2 * heartbeatIntervalMs);
    await until(() => server.stats().memberships === 0);
    expect(await server.metrics.getSingleMetricAsString('realtime_heartbeat_timeouts_total')).toMatch(/ 1$/m);
  });

  it('R1.3 keeps a client that heartbeats every interval', async () => {
    const heartbeatIntervalMs = 100;
    const { wsUrl } = await harness.start({ heartbeatIntervalMs });
    const chatty = await harness.connect(wsUrl, { token: await signToken('u1') });
    const silent = await harness.connect(wsUrl, { token: await signToken('u2') });
    const timer = setInterval(
      () => chatty.sendFrame(null, chatty.nextRef(), 'phoenix', 'heartbeat', {}),
      heartbeatIntervalMs / 2,
    );
    try {
      await silent.closed; // the silent one is dropped after 2 intervals; by then the chatty one must still be open
      expect(chatty.socket.readyState).toBe(chatty.socket.OPEN);
      expect((await chatty.heartbeat()).payload.status).toBe('ok');
    } finally {
      clearInterval(timer);
    }
  });
});
