import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('heartbeat and dead-link detection (R1.3)', () => {
  it('R1.3 heartbeats on topic phoenix every interval and measures the round trip as latencyMs', async () => {
    const { client, connectOpen } = scriptedClient({ heartbeatIntervalMs: 30_000 });
    const socket = await connectOpen();
    expect(socket.sentEvents('phoenix')).toEqual(['heartbeat']);
    await vi.advanceTimersByTimeAsync(42);
    socket.answerHeartbeats();
    expect(client.status.latencyMs).toBe(42);
    for (let beat = 2; beat <= 5; beat += 1) {
      await vi.advanceTimersByTimeAsync(30_000 - 42);
      expect(socket.sentEvents('phoenix')).toHaveLength(beat);
      await vi.advanceTimersByTimeAsync(42);
      socket.answerHeartbeats();
    }
    expect(client.status).toMatchObject({ state: 'connected', latencyMs: 42 });
    const heartbeat = socket.lastSent({ topic: 'phoenix', event: 'heartbeat' });
    expect(heartbeat).toMatchObject({ joinRef: null, payload: {} });
    await client.close();
  });

  it('R1.3 an unanswered heartbeat declares the link dead at the next tick: terminate, reconnect, rejoin', async () => {
    const { client, ws, connectOpen, joinOk, settle } = scriptedClient({
      heartbeatIntervalMs: 30_000,
      random: () => 0.5,
    });
    const socket = await connectOpen();
    const channel = await joinOk('wedding:42', socket);
    socket.answerHeartbeats();
    await vi.advanceTimersByTimeAsync(30_000);
    // This heartbeat is never answered (the link died silently).
    await vi.advanceTimersByTimeAsync(29_999);
    expect(client.status.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.closedBy).toBe('client-terminate');
    expect(client.status).toMatchObject({ state: 'reconnecting', reason: 'HEARTBEAT_TIMEOUT', attempt: 1 });
    expect(channel.state).toBe('errored');
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(ws.sockets).toHaveLength(2);
    ws.last().open();
    expect(ws.last().sentEvents('wedding:42')).toEqual(['phx_join']);
    ws.last().reply({ topic: 'wedding:42', event: 'phx_join' }, 'ok');
    expect(channel.state).toBe('joined');
    await client.close();
  });

  it('R1.3 a push in flight when the link dies rejects with CONNECTION_LOST, not a hang', async () => {
    const { client, connectOpen, joinOk } = scriptedClient({ heartbeatIntervalMs: 1_000 });
    const socket = await connectOpen();
    const channel = await joinOk('form:7', socket);
    const pending = channel.push('sync_snapshot', {});
    const outcome = pending.catch((error: { code: string }) => error.code);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toBe('CONNECTION_LOST');
    await client.close();
  });
});
