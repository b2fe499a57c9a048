import { type RealtimeChannel, RealtimeClient } from '@supabase/realtime-js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Harness, signToken, until } from './engine-harness.ts';

/**
 * The unmodified @supabase/realtime-js 2.119.1 client against our server (DESIGN §4, reference §5):
 * subscribe, broadcast text (vsn 1.0.0) and binary (vsn 2.0.0), presence, refused join, setAuth.
 */
const harness = new Harness();
const clients: RealtimeClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) {
    await client.removeAllChannels();
    await client.disconnect();
  }
  await harness.dispose();
});

/** Records whether each frame the client sends is binary, to prove which encoding realtime-js used. */
const sentKinds: Array<'text' | 'binary'> = [];
class RecordingWebSocket extends WebSocket {
  override send(data: unknown, ...rest: unknown[]): void {
    sentKinds.push(typeof data === 'string' ? 'text' : 'binary');
    (super.send as (...args: unknown[]) => void)(data, ...rest);
  }
}

function realtime(wsUrl: string, token: string, vsn: '1.0.0' | '2.0.0' = '2.0.0'): RealtimeClient {
  const endpoint = wsUrl.replace(/\/websocket$/, '');
  const client = new RealtimeClient(endpoint, {
    params: { apikey: token },
    transport: RecordingWebSocket as never,
    vsn,
    timeout: 3_000,
  });
  clients.push(client);
  return client;
}

/** Resolves on SUBSCRIBED; rejects with the client's error on anything else. */
function subscribed(channel: RealtimeChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else reject(error ?? new Error(status));
    });
  });
}

function nextBroadcast(channel: RealtimeChannel, event: string): Promise<{ event: string; payload: unknown }> {
  return new Promise((resolve) =>
    channel.on('broadcast', { event }, (message) => resolve(message as unknown as { event: string; payload: unknown })),
  );
}

describe('Supabase realtime-js compatibility (R1.1, R3, R4.3, R14.1)', () => {
  it('R1.1 subscribes over /socket/websocket and /realtime/v1/websocket', async () => {
    const { wsUrl } = await harness.start();
    const token = await signToken('ann');
    await subscribed(realtime(wsUrl, token).channel('room1'));
    await subscribed(realtime(wsUrl.replace('/socket/websocket', '/realtime/v1/websocket'), token).channel('room1'));
  });

  it('R3 broadcasts as text (vsn 1.0.0) and binary kind 3 (vsn 2.0.0), with ack and self', async () => {
    const { wsUrl } = await harness.start();
    const textClient = realtime(wsUrl, await signToken('ann'), '1.0.0');
    const binaryClient = realtime(wsUrl, await signToken('bob'), '2.0.0');
    const textChannel = textClient.channel('room1', { config: { broadcast: { ack: true } } });
    const binaryChannel = binaryClient.channel('room1', { config: { broadcast: { ack: true, self: true } } });
    const atBinary = nextBroadcast(binaryChannel, 'from-text');
    const atText = nextBroadcast(textChannel, 'from-binary');
    const selfEcho = nextBroadcast(binaryChannel, 'from-binary');
    await subscribed(textChannel);
    await subscribed(binaryChannel);

    expect(await textChannel.send({ type: 'broadcast', event: 'from-text', payload: { note: 'héllo' } })).toBe('ok');
    expect((await atBinary).payload).toEqual({ note: 'héllo' });
    sentKinds.length = 0;
    expect(await binaryChannel.send({ type: 'broadcast', event: 'from-binary', payload: { x: 1, y: 2 } })).toBe('ok');
    expect(sentKinds).toContain('binary');
    expect((await atText).payload).toEqual({ x: 1, y: 2 });
    expect((await selfEcho).payload).toEqual({ x: 1, y: 2 });
  });

  it('R12.2 a raw binary payload (ArrayBuffer) travels as kind 3 in and kind 4 out', async () => {
    const { wsUrl } = await harness.start();
    const sender = realtime(wsUrl, await signToken('ann')).channel('media', { config: { broadcast: { ack: true } } });
    const receiver = realtime(wsUrl, await signToken('bob')).channel('media');
    const received = nextBroadcast(receiver, 'chunk');
    await subscribed(sender);
    await subscribed(receiver);
    const bytes = new Uint8Array([1, 2, 3, 254]);
    expect(await sender.send({ type: 'broadcast', event: 'chunk', payload: bytes.buffer })).toBe('ok');
    const payload = (await received).payload;
    expect(payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(payload as ArrayBuffer)]).toEqual([1, 2, 3, 254]);
  });

  it('R4.3 presence sync, join and leave (key, status metas)', async () => {
    const { wsUrl } = await harness.start();
    const annChannel = realtime(wsUrl, await signToken('ann')).channel('wedding', {
      config: { presence: { key: 'ann' } },
    });
    const bobChannel = realtime(wsUrl, await signToken('bob')).channel('wedding', {
      config: { presence: { key: 'bob' } },
    });
    const events: string[] = [];
    annChannel
      .on('presence', { event: 'sync' }, () =>
        events.push(`sync:${Object.keys(annChannel.presenceState()).sort().join('+')}`),
      )
      .on('presence', { event: 'join' }, ({ key, newPresences }) =>
        events.push(`join:${key}:${newPresences[0]?.status}`),
      )
      .on('presence', { event: 'leave' }, ({ key, leftPresences }) =>
        events.push(`leave:${key}:${leftPresences[0]?.status}`),
      );
    bobChannel.on('presence', { event: 'sync' }, () => {});
    await subscribed(annChannel);
    await subscribed(bobChannel);
    expect(await bobChannel.track({ status: 'active' })).toBe('ok');
    await until(() => events.includes('join:bob:active'));
    expect(await bobChannel.track({ status: 'idle' })).toBe('ok');
    await until(() => events.includes('join:bob:idle'));
    expect(annChannel.presenceState().bob).toMatchObject([{ status: 'idle' }]);
    expect(await bobChannel.untrack()).toBe('ok');
    await until(() => events.includes('leave:bob:idle'));
    const order = ['join:bob:active', 'join:bob:idle', 'leave:bob:active', 'leave:bob:idle'].map((event) =>
      events.indexOf(event),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(annChannel.presenceState()).toEqual({});
  });

  it('R2.2 a refused join reaches the client as CHANNEL_ERROR with the "CODE: message" reason', async () => {
    const { wsUrl } = await harness.start({
      hooks: {
        authorizeJoin: (ctx) =>
          ctx.topic === 'secret' ? { ok: false, code: 'FORBIDDEN', message: 'not your wedding' } : true,
      },
    });
    const client = realtime(wsUrl, await signToken('ann'));
    const channel = client.channel('secret');
    const error = await subscribed(channel).then(
      () => undefined,
      (reason: Error) => reason,
    );
    expect(error?.message).toBe('FORBIDDEN: not your wedding');
    await client.removeChannel(channel);
  });

  it('R14.1 setAuth refreshes the token without disconnect: the channel outlives the old expiry', async () => {
    const expAtSec = Math.ceil(Date.now() / 1000) + 60;
    const offsetMs = expAtSec * 1000 - Date.now() - 600;
    const { wsUrl, server } = await harness.start({ nowMs: () => Date.now() + offsetMs });
    const client = realtime(wsUrl, await signToken('ann', { expAtSec }));
    const channel = client.channel('room1');
    const statuses: string[] = [];
    channel.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'));
    await client.setAuth(await signToken('ann', { name: 'Ann Fresh' }));
    await until(() => server.localMembers('room1')[0]?.user.name === 'Ann Fresh');

    // A raw session holding a token with the same exp marks the moment the old token lapsed.
    const witness = await harness.connect(wsUrl, { token: await signToken('bob', { expAtSec }) });
    await witness.join('realtime:room1');
    await witness.waitForEvent('realtime:room1', 'phx_close', { includePast: true });

    const received = nextBroadcast(channel, 'after-expiry');
    const sender = await harness.connect(wsUrl, { token: await signToken('cat') });
    const { joinRef } = await sender.join('realtime:room1');
    sender.sendFrame(joinRef, sender.nextRef(), 'realtime:room1', 'broadcast', {
      type: 'broadcast',
      event: 'after-expiry',
      payload: { ok: 1 },
    });
    expect((await received).payload).toEqual({ ok: 1 });
    expect(statuses).toEqual(['SUBSCRIBED']);
  });
});
