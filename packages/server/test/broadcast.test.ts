import { encodeUserBroadcastPush } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

const broadcast = (event: string, payload: unknown) => ({ type: 'broadcast', event, payload });

describe('R3 broadcast within a channel', () => {
  it("R3 two clients of one user in one channel see each other's broadcasts (scenario 1: two tabs)", async () => {
    const { wsUrl } = await harness.start();
    const token = await signToken('ann');
    const tabA = await harness.connect(wsUrl, { token });
    const tabB = await harness.connect(wsUrl, { token });
    const a = await tabA.join('realtime:wedding:w1');
    const b = await tabB.join('realtime:wedding:w1');
    tabA.sendFrame(a.joinRef, tabA.nextRef(), 'realtime:wedding:w1', 'broadcast', broadcast('field', { from: 'A' }));
    const atB = await tabB.waitForEvent('realtime:wedding:w1', 'broadcast');
    expect(atB).toMatchObject({ joinRef: null, ref: null, payload: broadcast('field', { from: 'A' }) });
    tabB.sendFrame(b.joinRef, tabB.nextRef(), 'realtime:wedding:w1', 'broadcast', broadcast('field', { from: 'B' }));
    const atA = await tabA.waitForEvent('realtime:wedding:w1', 'broadcast');
    expect(atA.payload.payload).toEqual({ from: 'B' });
    // self is off by default: nobody got their own message back
    expect(tabA.frames.filter((frame) => frame.event === 'broadcast')).toHaveLength(1);
    expect(tabB.frames.filter((frame) => frame.event === 'broadcast')).toHaveLength(1);
  });

  it('R3 config.broadcast.self echoes to the sender and ack replies ok', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room', { config: { broadcast: { self: true, ack: true } } });
    const echo = client.waitForEvent('realtime:room', 'broadcast');
    const reply = await client.push('realtime:room', 'broadcast', broadcast('ping', { n: 1 }), joinRef);
    expect(reply.payload).toEqual({ status: 'ok', response: {} });
    expect((await echo).payload).toEqual(broadcast('ping', { n: 1 }));
  });

  it('R12.2 a binary kind-3 broadcast (vsn 2.0.0) reaches text and binary members; raw bytes go out as kind 4', async () => {
    const { wsUrl } = await harness.start();
    const sender = await harness.connect(wsUrl, { token: await signToken('ann') });
    const v2 = await harness.connect(wsUrl, { token: await signToken('bob') });
    const v1 = await harness.connect(wsUrl, { token: await signToken('cat'), vsn: '1.0.0' });
    const { joinRef } = await sender.join('realtime:room', { config: { broadcast: { ack: true } } });
    await v2.join('realtime:room');
    await v1.join('realtime:room');

    const ref = sender.nextRef();
    const acked = sender.waitFor((frame) => frame.event === 'phx_reply' && frame.ref === ref);
    const atV2 = v2.waitForEvent('realtime:room', 'broadcast');
    const atV1 = v1.waitForEvent('realtime:room', 'broadcast');
    sender.socket.send(
      encodeUserBroadcastPush({
        joinRef,
        ref,
        topic: 'realtime:room',
        event: 'cursor',
        metadata: {},
        payload: { x: 1, note: 'héllo' },
      }),
    );
    expect((await acked).payload.status).toBe('ok');
    expect((await atV2).payload).toEqual(broadcast('cursor', { x: 1, note: 'héllo' }));
    expect((await atV1).payload).toEqual(broadcast('cursor', { x: 1, note: 'héllo' }));

    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const rawAtV2 = v2.waitFor((frame) => frame.event === 'broadcast' && frame.payload.event === 'blob');
    sender.socket.send(
      encodeUserBroadcastPush({
        joinRef,
        ref: null,
        topic: 'realtime:room',
        event: 'blob',
        metadata: {},
        payload: bytes,
      }),
    );
    const raw = await rawAtV2;
    expect(raw.binary).toBe(true);
    expect([...raw.payload.payload]).toEqual([...bytes]);
    // a vsn 1.0.0 client cannot decode binary: it is never sent one (the heartbeat proves the socket is healthy)
    expect((await v1.heartbeat()).payload.status).toBe('ok');
    expect(v1.frames.filter((frame) => frame.binary)).toHaveLength(0);
  });

  it('R3 vsn 1.0.0 object frames work both ways', async () => {
    const { wsUrl } = await harness.start();
    const v1 = await harness.connect(wsUrl, { token: await signToken('ann'), vsn: '1.0.0' });
    const v2 = await harness.connect(wsUrl, { token: await signToken('bob') });
    await v2.join('realtime:room');
    v1.socket.send(JSON.stringify({ topic: 'realtime:room', event: 'phx_join', payload: {}, ref: '1', join_ref: '1' }));
    const joined = await v1.waitFor((frame) => frame.event === 'phx_reply' && frame.ref === '1');
    expect(joined.payload.status).toBe('ok');
    v1.socket.send(
      JSON.stringify({
        topic: 'realtime:room',
        event: 'broadcast',
        payload: broadcast('hi', { v: 1 }),
        ref: '2',
        join_ref: '1',
      }),
    );
    expect((await v2.waitForEvent('realtime:room', 'broadcast')).payload.payload).toEqual({ v: 1 });
  });

  it('R3 refuses a broadcast without an event name with VALIDATION_FAILED', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room');
    const reply = await client.push('realtime:room', 'broadcast', { type: 'broadcast', payload: {} }, joinRef);
    expect(reply.payload.response.reason).toMatch(/^VALIDATION_FAILED: /);
  });
});
