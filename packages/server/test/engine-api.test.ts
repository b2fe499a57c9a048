import { parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaveListenerContext, SessionInfo } from '../src/index.ts';
import { Harness, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('engine API for product modules (record sync, locks)', () => {
  it('R14.1 registered events run after membership, rate limit and authorisation, in order per session', async () => {
    const { wsUrl, server } = await harness.start({
      hooks: {
        authorizeMessage: (ctx) =>
          ctx.payload && (ctx.payload as { deny?: boolean }).deny
            ? { ok: false, code: 'READ_ONLY', message: 'no' }
            : true,
      },
    });
    const seen: number[] = [];
    server.registerEvent('sync_mutate', async (ctx) => {
      const n = (ctx.payload as { n: number }).n;
      if (n === 1) await new Promise((resolve) => setImmediate(resolve));
      seen.push(n);
      ctx.push('sync_changes', { n });
      ctx.reply('ok', { n, user: ctx.session.user.id, topic: ctx.topic });
      ctx.reply('error', { ignored: true });
    });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const unjoined = await client.push('realtime:wedding:w1', 'sync_mutate', { n: 0 });
    expect(parseErrorReason(unjoined.payload.response).code).toBe('UNMATCHED_TOPIC');
    const { joinRef } = await client.join('realtime:wedding:w1');
    const [first, second] = await Promise.all([
      client.push('realtime:wedding:w1', 'sync_mutate', { n: 1 }, joinRef),
      client.push('realtime:wedding:w1', 'sync_mutate', { n: 2 }, joinRef),
    ]);
    expect(first.payload).toEqual({ status: 'ok', response: { n: 1, user: 'ann', topic: 'wedding:w1' } });
    expect(second.payload.response.n).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(
      client.frames.filter((frame) => frame.event === 'sync_changes').map((frame) => [frame.joinRef, frame.payload.n]),
    ).toEqual([
      [joinRef, 1],
      [joinRef, 2],
    ]);
    const denied = await client.push('realtime:wedding:w1', 'sync_mutate', { n: 3, deny: true }, joinRef);
    expect(parseErrorReason(denied.payload.response).code).toBe('READ_ONLY');
    const unknown = await client.push('realtime:wedding:w1', 'no_such_event', {}, joinRef);
    expect(parseErrorReason(unknown.payload.response).code).toBe('UNKNOWN_EVENT');
  });

  it('a throwing handler answers SERVER_ERROR; built-in and duplicate event names are refused', async () => {
    const { wsUrl, server } = await harness.start();
    server.registerEvent('lock', () => {
      throw new Error('boom');
    });
    expect(() => server.registerEvent('lock', () => {})).toThrow(/already registered/);
    expect(() => server.registerEvent('broadcast', () => {})).toThrow(/built-in/);
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room');
    const reply = await client.push('realtime:room', 'lock', {}, joinRef);
    expect(parseErrorReason(reply.payload.response).code).toBe('SERVER_ERROR');
  });

  it('onJoin runs after the ok reply (push lands after it); onLeave and onDisconnect report reasons', async () => {
    const { wsUrl, server } = await harness.start();
    const leaves: LeaveListenerContext[] = [];
    const disconnected: SessionInfo[] = [];
    server.onJoin(async (ctx) => {
      ctx.push('sync_changes', {
        replay: true,
        since: (ctx.payload.config?.sync as { since?: number } | undefined)?.since,
      });
    });
    server.onLeave((ctx) => leaves.push(ctx));
    server.onDisconnect((session) => disconnected.push(session));
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const reply = await client.join('realtime:wedding:w1', { config: { sync: { since: 7 } } });
    const replay = await client.waitForEvent('realtime:wedding:w1', 'sync_changes', { includePast: true });
    expect(client.frames.indexOf(replay)).toBeGreaterThan(client.frames.indexOf(reply));
    expect(replay).toMatchObject({ joinRef: reply.joinRef, payload: { replay: true, since: 7 } });
    await client.join('realtime:room');
    const roomJoin = client.frames.filter((frame) => frame.topic === 'realtime:room')[0]!;
    await client.push('realtime:room', 'phx_leave', {}, roomJoin.joinRef);
    client.close();
    await until(() => disconnected.length === 1);
    expect(leaves.map((ctx) => [ctx.topic, ctx.reason])).toEqual([
      ['room', 'leave'],
      ['wedding:w1', 'disconnect'],
    ]);
    expect(disconnected[0]!.user.id).toBe('ann');
  });

  it('R2.2 deliverLocal projects per audience, serialising once per distinct payload, and skips undefined', async () => {
    const { wsUrl, server } = await harness.start();
    const clients = [];
    for (const user of ['caterer', 'venue', 'florist']) {
      const client = await harness.connect(wsUrl, { token: await signToken(user) });
      await client.join('realtime:wedding:w1');
      clients.push(client);
    }
    const full = { guests: 150, date: '2027-06-01' };
    const dateOnly = { date: '2027-06-01' };
    const waits = clients.slice(0, 2).map((client) => client.waitForEvent('realtime:wedding:w1', 'sync_changes'));
    const sent = server.deliverLocal('wedding:w1', 'sync_changes', (session) =>
      session.user.id === 'caterer' ? full : session.user.id === 'venue' ? dateOnly : undefined,
    );
    expect(sent).toBe(2);
    expect((await waits[0]!).payload).toEqual(full);
    expect((await waits[1]!).payload).toEqual(dateOnly);
    expect((await clients[2]!.heartbeat()).payload.status).toBe('ok');
    expect(clients[2]!.frames.some((frame) => frame.event === 'sync_changes')).toBe(false);
    expect(
      server
        .localMembers('realtime:wedding:w1')
        .map((member) => member.user.id)
        .sort(),
    ).toEqual(['caterer', 'florist', 'venue']);
  });
});
