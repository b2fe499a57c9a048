import { parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

/**
 * A server whose clock stands `leadMs` before `expAtSec`, so tokens with that exp expire `leadMs` after start.
 * The lead must cover connecting and joining three clients on a loaded machine, so it is seconds.
 */
async function serverNearExpiry(leadMs: number) {
  const expAtSec = Math.ceil(Date.now() / 1000) + 60;
  const offsetMs = expAtSec * 1000 - Date.now() - leadMs;
  const started = await harness.start({ nowMs: () => Date.now() + offsetMs });
  return { ...started, expAtSec };
}

describe('R14.1 token refresh without disconnect', () => {
  it('R14.1 a token refreshed with access_token keeps the channel past the old expiry, losing no message; a non-refreshed one gets TOKEN_EXPIRED', async () => {
    const { wsUrl, expAtSec } = await serverNearExpiry(3_000);
    const refreshed = await harness.connect(wsUrl, { token: await signToken('ann', { expAtSec }) });
    const lapsed = await harness.connect(wsUrl, { token: await signToken('bob', { expAtSec }) });
    const sender = await harness.connect(wsUrl, { token: await signToken('cat') });
    for (const client of [refreshed, lapsed, sender])
      expect((await client.join('realtime:room')).payload.status).toBe('ok');

    const joinRef = refreshed.frames.find((frame) => frame.event === 'phx_reply')!.joinRef;
    const refreshReply = await refreshed.push(
      'realtime:room',
      'access_token',
      { access_token: await signToken('ann') },
      joinRef,
    );
    expect(refreshReply.payload.status).toBe('ok');
    sender.sendFrame(null, null, 'realtime:room', 'broadcast', {
      type: 'broadcast',
      event: 'before',
      payload: { n: 1 },
    });

    // The lapsed session's channel is closed at its expiry: system error, then phx_close with ref = join_ref.
    const system = await lapsed.waitForEvent('realtime:room', 'system', { includePast: true });
    expect(system.payload).toMatchObject({ extension: 'system', status: 'error', channel: 'room' });
    expect(parseErrorReason(system.payload.message).code).toBe('TOKEN_EXPIRED');
    const close = await lapsed.waitForEvent('realtime:room', 'phx_close', { includePast: true });
    expect(close.ref).toBe(close.joinRef);

    // Same expiry instant has passed for the refreshed session: it is still subscribed and receives.
    sender.sendFrame(null, null, 'realtime:room', 'broadcast', {
      type: 'broadcast',
      event: 'after',
      payload: { n: 2 },
    });
    const after = await refreshed.waitFor((frame) => frame.event === 'broadcast' && frame.payload.event === 'after');
    expect(after.payload.payload).toEqual({ n: 2 });
    const received = refreshed.frames
      .filter((frame) => frame.event === 'broadcast')
      .map((frame) => frame.payload.event);
    expect(received).toEqual(['before', 'after']);
    expect(refreshed.frames.some((frame) => frame.event === 'phx_close' || frame.event === 'system')).toBe(false);
    expect(refreshed.socket.readyState).toBe(refreshed.socket.OPEN);
  });

  it('R14.1 an invalid refresh token closes that channel with its code, the socket stays open', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const joined = await client.join('realtime:room');
    client.sendFrame(joined.joinRef, client.nextRef(), 'realtime:room', 'access_token', { access_token: 'garbage' });
    const system = await client.waitForEvent('realtime:room', 'system');
    expect(parseErrorReason(system.payload.message).code).toBe('TOKEN_INVALID');
    await client.waitForEvent('realtime:room', 'phx_close', { includePast: true });
    expect((await client.heartbeat()).payload.status).toBe('ok');
  });

  it('R14.1 after expiry, new joins need a fresh token (TOKEN_EXPIRED), then succeed with one', async () => {
    const { wsUrl, expAtSec } = await serverNearExpiry(150);
    const client = await harness.connect(wsUrl, { token: await signToken('ann', { expAtSec }) });
    await client.join('realtime:a');
    await client.waitForEvent('realtime:a', 'phx_close');
    const refused = await client.join('realtime:b');
    expect(parseErrorReason(refused.payload.response).code).toBe('TOKEN_EXPIRED');
    const accepted = await client.join('realtime:b', { access_token: await signToken('ann') });
    expect(accepted.payload.status).toBe('ok');
  });
});
