import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('connection state machine (R1.4, R1.5)', () => {
  it('R1.5 goes connecting → connected and records when; the URL carries the token and vsn', async () => {
    const { client, ws, settle, statuses } = scriptedClient({ params: { client: 'web' } });
    expect(client.status.state).toBe('disconnected');
    client.connect();
    expect(client.status.state).toBe('connecting');
    await settle();
    const url = new URL(ws.last().url);
    expect(url.searchParams.get('apikey')).toBe('static-token');
    expect(url.searchParams.get('vsn')).toBe('1.0.0');
    expect(url.searchParams.get('client')).toBe('web');
    ws.last().open();
    expect(client.status).toMatchObject({
      state: 'connected',
      reason: null,
      attempt: 0,
      nextRetryAtMs: null,
      lastConnectedAtMs: 1_000_000,
    });
    expect(statuses.map((status) => status.state)).toEqual(['connecting', 'connected']);
    await client.close();
  });

  it('R1.4 retry delays grow exponentially, capped at capMs, drawn with full jitter', async () => {
    const draws = [0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.1, 0.7];
    const { client, ws, settle } = scriptedClient({ random: () => draws.shift() ?? 0.5 });
    client.connect();
    await settle();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      ws.last().fail();
      const { state, attempt: shown, nextRetryAtMs, reason } = client.status;
      expect({ state, shown, reason }).toEqual({ state: 'reconnecting', shown: attempt, reason: 'CONNECTION_LOST' });
      const delay = nextRetryAtMs! - Date.now();
      delays.push(delay);
      const socketsBefore = ws.sockets.length;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(ws.sockets.length).toBe(socketsBefore);
      await vi.advanceTimersByTimeAsync(1);
      expect(ws.sockets.length).toBe(socketsBefore + 1);
      expect(client.status).toMatchObject({ state: 'reconnecting', nextRetryAtMs: null });
    }
    expect(delays).toEqual([999, 1_998, 3_996, 7_992, 15_984, 29_970, 29_970, 3_000, 21_000]);
    await client.close();
  });

  it('R1.4 the attempt counter resets only after stableResetMs connected', async () => {
    const { client, ws, settle } = scriptedClient({ random: () => 0.999 });
    client.connect();
    await settle();
    for (let failures = 0; failures < 3; failures += 1) {
      ws.last().fail();
      await vi.advanceTimersByTimeAsync(client.status.nextRetryAtMs! - Date.now());
    }
    ws.last().open();
    expect(client.status.attempt).toBe(3);
    // Dropped before the link was stable: the next delay keeps growing.
    await vi.advanceTimersByTimeAsync(10_000);
    ws.last().answerHeartbeats();
    ws.last().serverClose(1006);
    expect(client.status.attempt).toBe(4);
    expect(client.status.nextRetryAtMs! - Date.now()).toBe(7_992);
    await vi.advanceTimersByTimeAsync(7_992);
    ws.last().open();
    for (let second = 0; second < 60; second += 10) {
      await vi.advanceTimersByTimeAsync(10_000);
      ws.last().answerHeartbeats();
    }
    expect(client.status).toMatchObject({ state: 'connected', attempt: 0 });
    ws.last().serverClose(1006);
    expect(client.status.attempt).toBe(1);
    expect(client.status.nextRetryAtMs! - Date.now()).toBe(999);
    await client.close();
  });

  it('R1.4 retries at once when the browser reports it is back online', async () => {
    const { client, ws, settle, online } = scriptedClient({ random: () => 0.999 });
    client.connect();
    await settle();
    for (let failures = 0; failures < 5; failures += 1) {
      ws.last().fail();
      await vi.advanceTimersByTimeAsync(client.status.nextRetryAtMs! - Date.now());
    }
    ws.last().fail();
    expect(client.status.nextRetryAtMs! - Date.now()).toBe(29_970);
    const socketsBefore = ws.sockets.length;
    online.dispatchEvent(new Event('online'));
    await settle();
    expect(ws.sockets.length).toBe(socketsBefore + 1);
    expect(client.status).toMatchObject({ state: 'reconnecting', nextRetryAtMs: null });
    await client.close();
  });

  it('R1.4 an offline event drops the link at once and schedules a retry', async () => {
    const { client, connectOpen, online } = scriptedClient();
    const socket = await connectOpen();
    online.dispatchEvent(new Event('offline'));
    expect(socket.closedBy).toBe('client-terminate');
    expect(client.status).toMatchObject({ state: 'reconnecting', reason: 'OFFLINE', attempt: 1 });
    await client.close();
  });

  it('R1.5 disconnect() stays disconnected with no retry; connect() opens again', async () => {
    const { client, ws, connectOpen, settle } = scriptedClient();
    const socket = await connectOpen();
    const closed = client.disconnect();
    expect(client.status).toMatchObject({ state: 'disconnected', reason: 'MANUAL', nextRetryAtMs: null });
    await closed;
    expect(socket.closedBy).toBe('client-close');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(ws.sockets.length).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    client.connect();
    await settle();
    expect(ws.sockets.length).toBe(2);
    await client.close();
  });

  it('R1.6 reconnect() drops a live link and opens a new one at once with the attempt counter reset', async () => {
    const { client, ws, connectOpen, settle } = scriptedClient();
    const first = await connectOpen();
    client.reconnect();
    await settle();
    expect(first.closedBy).toBe('client-close');
    expect(ws.sockets.length).toBe(2);
    expect(client.status).toMatchObject({ state: 'connecting', attempt: 0 });
    await client.close();
  });

  it('R1.5 a close code that must not be retried (UNSUPPORTED_VERSION) ends in error without a retry', async () => {
    const { client, ws, connectOpen } = scriptedClient();
    const socket = await connectOpen();
    socket.serverClose(4006, 'UNSUPPORTED_VERSION: vsn must be 1.0.0 or 2.0.0');
    expect(client.status).toMatchObject({ state: 'error', reason: 'UNSUPPORTED_VERSION', nextRetryAtMs: null });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ws.sockets.length).toBe(1);
    await client.close();
  });

  it('R1.5 the server shutting down (4010) is retried with backoff', async () => {
    const { client, connectOpen } = scriptedClient();
    const socket = await connectOpen();
    socket.serverClose(4010, 'SERVER_SHUTTING_DOWN: The server is restarting');
    expect(client.status).toMatchObject({ state: 'reconnecting', reason: 'SERVER_SHUTTING_DOWN', attempt: 1 });
    await client.close();
  });
});
