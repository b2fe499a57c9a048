import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readTokenTimes, refreshAtMs } from '../src/index.ts';
import { scriptedClient } from './scripted-client.ts';

/** An unsigned JWT-shaped token: the client only reads the payload; the server verifies signatures. */
function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('token refresh (R14.1)', () => {
  it('R14.1 reads iat/exp without verifying; non-JWTs have no expiry', () => {
    expect(readTokenTimes(fakeJwt({ sub: 'u1', iat: 100, exp: 700 }))).toEqual({
      issuedAtMs: 100_000,
      expiresAtMs: 700_000,
    });
    expect(readTokenTimes('not-a-jwt')).toBeNull();
    expect(readTokenTimes('a.%%%.c')).toBeNull();
    expect(readTokenTimes(fakeJwt({ sub: 'u1' }))).toBeNull();
  });

  it('R14.1 refreshes 60 s before exp, or at 80 % of the lifetime for short tokens', () => {
    const nowS = 1_700_000_000;
    expect(refreshAtMs(fakeJwt({ iat: nowS, exp: nowS + 600 }), nowS * 1000)).toBe((nowS + 540) * 1000);
    expect(refreshAtMs(fakeJwt({ iat: nowS, exp: nowS + 10 }), nowS * 1000)).toBe((nowS + 8) * 1000);
    // Without iat the lifetime counts from when the token was obtained.
    expect(refreshAtMs(fakeJwt({ exp: nowS + 100 }), nowS * 1000)).toBe((nowS + 80) * 1000);
  });

  it('R14.1 before expiry the provider is asked again and joined channels get access_token without reconnecting', async () => {
    let issued = 0;
    const provider = vi.fn(async () => {
      issued += 1;
      const nowS = Math.floor(Date.now() / 1000);
      return fakeJwt({ sub: 'u1', n: issued, iat: nowS, exp: nowS + 600 });
    });
    const { client, ws, connectOpen, settle } = scriptedClient({ token: provider, heartbeatIntervalMs: 60_000 });
    const socket = await connectOpen();
    const scope = client.autoSubscribe(['supplier:1', 'wedding:42']);
    await settle();
    socket.reply({ topic: 'supplier:1', event: 'phx_join' }, 'ok');
    socket.reply({ topic: 'wedding:42', event: 'phx_join' }, 'ok');
    await scope.ready;
    client.channel('form:9');
    expect(provider).toHaveBeenCalledTimes(1);
    for (let elapsed = 0; elapsed < 540_000; elapsed += 60_000) {
      socket.answerHeartbeats();
      await vi.advanceTimersByTimeAsync(60_000);
    }
    await settle();
    expect(provider).toHaveBeenCalledTimes(2);
    const pushes = socket.sent.filter((frame) => frame.event === 'access_token');
    expect(pushes.map((frame) => frame.topic).sort()).toEqual(['supplier:1', 'wedding:42']);
    const second = client.status;
    expect(second.state).toBe('connected');
    expect(ws.sockets).toHaveLength(1);
    for (const push of pushes) {
      expect((push.payload as { access_token: string }).access_token).toBe(await provider.mock.results[1]!.value);
      expect(push.joinRef).toBe(socket.lastSent({ topic: push.topic, event: 'phx_join' }).ref);
    }
    await client.close();
  });

  it('R14.1 a failing provider is retried with growing delays, never in a hot loop', async () => {
    let calls = 0;
    const nowS = Math.floor(Date.now() / 1000);
    const provider = vi.fn(async () => {
      calls += 1;
      if (calls === 1) return fakeJwt({ sub: 'u1', iat: nowS, exp: nowS + 10 });
      throw new Error('auth server down');
    });
    const { client, connectOpen } = scriptedClient({ token: provider, heartbeatIntervalMs: 600_000 });
    await connectOpen();
    await vi.advanceTimersByTimeAsync(60_000);
    // First refresh at 8 s, then retries after 1, 2, 4, 8, 16 s … (at most 30 s apart).
    expect(calls).toBeGreaterThan(3);
    expect(calls).toBeLessThan(12);
    await client.close();
  });
});
