import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RealtimeError } from '../src/index.ts';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 6_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** An EventTarget that counts its listeners, to prove close() removes them. */
class CountingTarget extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners += 1;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners -= 1;
    super.removeEventListener(...args);
  }
}

const nowS = () => Math.floor(Date.now() / 1000);
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const fakeJwt = () => `${encode({ alg: 'HS256' })}.${encode({ sub: 'u', iat: nowS(), exp: nowS() + 600 })}.sig`;

describe('close() releases everything (no leaked timers, listeners or sockets)', () => {
  it('R1.3 a busy client (heartbeat, token refresh, idle eviction, pending pushes, presence) leaves no timer', async () => {
    const onlineEvents = new CountingTarget();
    const { client, connectOpen, joinOk, settle, ws } = scriptedClient({ token: async () => fakeJwt(), onlineEvents });
    expect(onlineEvents.listeners).toBe(2);
    const socket = await connectOpen();
    const joined = await joinOk('wedding:1', socket, { presence: { key: 'u' } });
    const tracking = joined.track({ status: 'active' }).catch((error: RealtimeError) => error.code);
    const pending = joined.push('sync_snapshot', {}).catch((error: RealtimeError) => error.code);
    const waiting = client.channel('wedding:2');
    const waitingJoin = waiting.join().catch((error: RealtimeError) => error.code);
    const buffered = waiting.push('x', {}).catch((error: RealtimeError) => error.code);
    await settle();
    expect(vi.getTimerCount()).toBeGreaterThan(3);
    await client.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(onlineEvents.listeners).toBe(0);
    expect(socket.readyState).toBe(3);
    expect(await Promise.all([tracking, pending, waitingJoin, buffered])).toEqual([
      'CLIENT_CLOSED',
      'CLIENT_CLOSED',
      'CLIENT_CLOSED',
      'CLIENT_CLOSED',
    ]);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(ws.sockets).toHaveLength(1);
    expect(() => client.channel('wedding:3')).toThrowError(expect.objectContaining({ code: 'CLIENT_CLOSED' }));
    expect(() => client.connect()).toThrowError(expect.objectContaining({ code: 'CLIENT_CLOSED' }));
    await client.close();
  });

  it('R1.4 closing while a retry is scheduled or a socket is still connecting cancels both', async () => {
    const { client, ws, settle } = scriptedClient();
    client.connect();
    await settle();
    ws.last().fail();
    expect(client.status.nextRetryAtMs).not.toBeNull();
    await vi.advanceTimersByTimeAsync(client.status.nextRetryAtMs! - Date.now());
    expect(ws.sockets).toHaveLength(2);
    const closing = client.close();
    expect(ws.last().closedBy).toBe('client-close');
    await closing;
    expect(vi.getTimerCount()).toBe(0);
    expect(client.status.state).toBe('disconnected');
  });
});
