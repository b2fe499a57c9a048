import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/index.ts';
import { Harness, signToken, until } from './engine-harness.ts';
import { LpClient, lpRequest } from './long-poll-fixture.ts';

const harness = new Harness();
const clients: LpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end()));
  await harness.dispose();
});

/** Resolves once the server holds `count` polls (read from its own metrics). */
async function heldPolls(server: RealtimeServer, count: number): Promise<void> {
  const gauge = server.metrics.getSingleMetric('realtime_longpoll_held_polls');
  for (let turn = 0; turn < 10_000; turn++) {
    const value = (await gauge?.get())?.values[0]?.value;
    if (value === count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`the server never held ${count} polls`);
}

async function openLp(url: string, user: string, path?: string): Promise<LpClient> {
  const client = await LpClient.open(url, await signToken(user), path);
  clients.push(client);
  return client;
}

describe('R15.1 long-poll transport: the same protocol over HTTP', () => {
  it('R15.1 opens a session, joins, and exchanges broadcasts with a WebSocket member of the topic', async () => {
    const { url, wsUrl, server } = await harness.start();
    const lp = await openLp(url, 'ann');
    lp.start();
    const joined = await lp.join('realtime:room', { config: { broadcast: { self: false, ack: true } } });
    expect(joined.payload.status).toBe('ok');
    const ws = await harness.connect(wsUrl, { token: await signToken('bob') });
    const { joinRef } = await ws.join('realtime:room', { config: { broadcast: { ack: true } } });

    const heard = lp.waitFor((frame) => frame.event === 'broadcast' && frame.payload.event === 'hello');
    await ws.push('realtime:room', 'broadcast', { type: 'broadcast', event: 'hello', payload: { n: 1 } }, joinRef);
    expect((await heard).payload.payload).toEqual({ n: 1 });

    const heardByWs = ws.waitForEvent('realtime:room', 'broadcast');
    const ack = await lp.push(
      'realtime:room',
      'broadcast',
      { type: 'broadcast', event: 'hi', payload: { n: 2 } },
      joined.joinRef,
    );
    expect(ack.payload.status).toBe('ok');
    expect((await heardByWs).payload).toMatchObject({ event: 'hi', payload: { n: 2 } });
    expect(server.stats()).toMatchObject({ sessions: 2, memberships: 2 });
  });

  it('R15.1 also answers on /socket/longpoll and answers heartbeats', async () => {
    const { url } = await harness.start();
    const lp = await openLp(url, 'ann', '/socket/longpoll');
    lp.start();
    expect((await lp.push('phoenix', 'heartbeat', {})).payload.status).toBe('ok');
  });

  it('R15.1 batches every frame due in one turn into one poll answer', async () => {
    const { url, server } = await harness.start();
    const lp = await openLp(url, 'ann');
    await lp.send(['1', '1', 'realtime:room', 'phx_join', {}]);
    // Nothing polls yet: the join reply waits in the queue; ten deliveries join it.
    await until(() => server.stats().memberships === 1);
    for (let n = 0; n < 10; n++) server.deliverLocal('room', 'tick', { n });
    await new Promise((resolve) => setImmediate(resolve));
    const answer = await lp.poll(0);
    expect(answer.body.status).toBe(200);
    expect(answer.body.messages).toHaveLength(11);
    expect(JSON.parse(answer.body.messages[10])).toEqual([null, null, 'realtime:room', 'tick', { n: 9 }]);
  });

  it('R15.1 answers an idle poll with 204 after the server-set timeout', async () => {
    const { url } = await harness.start({ longPoll: { pollTimeoutMs: 50 } });
    const lp = await openLp(url, 'ann');
    const startedAt = Date.now();
    const answer = await lp.poll(0);
    expect(answer.body).toEqual({ status: 204, token: lp.token });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
  });

  it('R15.1 keeps one outstanding poll per session: a newer poll answers the held one with 204', async () => {
    const { url, server } = await harness.start({ longPoll: { pollTimeoutMs: 10_000 } });
    const lp = await openLp(url, 'ann');
    const first = lp.poll(0);
    await heldPolls(server, 1);
    const second = lp.poll(0);
    expect((await first).body.status).toBe(204);
    await lp.send(['1', '1', 'realtime:room', 'phx_join', {}]);
    const answer = await second;
    expect(answer.body.status).toBe(200);
    expect(server.stats().sessions).toBe(1);
  });

  it('R15.1 delivers a batch again until a poll acknowledges it (a lost answer loses nothing, duplicates nothing)', async () => {
    const { url } = await harness.start();
    const lp = await openLp(url, 'ann');
    await lp.send(['1', '1', 'realtime:room', 'phx_join', {}]);
    const lost = await lp.poll(0);
    expect(lost.body).toMatchObject({ status: 200, batch: 1 });
    const again = await lp.poll(0);
    expect(again.body).toEqual(lost.body);
    await lp.send([null, '2', 'phoenix', 'heartbeat', {}]);
    const next = await lp.poll(1);
    expect(next.body).toMatchObject({ status: 200, batch: 2 });
    expect(next.body.messages.map((m: string) => JSON.parse(m)[1])).toEqual(['2']);
  });

  it('R15.1 refuses a POST body over the cap with PAYLOAD_TOO_LARGE and a frame over maxPayloadBytes like a WebSocket', async () => {
    const { url } = await harness.start({ maxPayloadBytes: 1_024, longPoll: { maxBodyBytes: 4_096 } });
    const lp = await openLp(url, 'ann');
    lp.start();
    const { joinRef } = await lp.join('realtime:room', { config: { broadcast: { ack: true } } });
    const tooBig = await lpRequest(lp.url(), { method: 'POST', body: 'x'.repeat(5_000) });
    expect(tooBig.httpStatus).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const reply = await lp.push(
      'realtime:room',
      'broadcast',
      { type: 'broadcast', event: 'e', payload: { blob: 'x'.repeat(2_000) } },
      joinRef,
    );
    expect(parseErrorReason(reply.payload.response).code).toBe('PAYLOAD_TOO_LARGE');
    expect((await lp.push('phoenix', 'heartbeat', {})).payload.status).toBe('ok');
  });

  it('R15.1 ends a session that stops polling after two heartbeat intervals (HEARTBEAT_TIMEOUT) and forgets it', async () => {
    const heartbeatIntervalMs = 100;
    const { url, server } = await harness.start({ heartbeatIntervalMs });
    const lp = await openLp(url, 'ann');
    await lp.send(['1', '1', 'realtime:room', 'phx_join', {}]);
    await until(() => server.stats().memberships === 1);
    await until(() => server.stats().sessions === 0, 2_000);
    expect(server.stats()).toMatchObject({ sessions: 0, users: 0, memberships: 0 });
    // The queued join reply is still delivered, then the close status.
    expect((await lp.poll(0)).body).toMatchObject({ status: 200, batch: 1 });
    const closed = await lp.poll(1);
    expect(closed.body.status).toBe(CLOSE_CODES.HEARTBEAT_TIMEOUT.code);
    expect(closed.body.reason).toMatch(/^HEARTBEAT_TIMEOUT: /);
    expect((await lp.poll(1)).httpStatus).toBe(410);
  });

  it('R15.1 answers a forged or unknown session token with 410 and a reconnectable close status', async () => {
    const { url } = await harness.start();
    const lp = await openLp(url, 'ann');
    const forged = await lpRequest(`${lp.base}?token=${encodeURIComponent(`${lp.token.split('.')[0]}.AAAA`)}`);
    expect(forged.httpStatus).toBe(410);
    expect(forged.body.status).toBe(CLOSE_CODES.HEARTBEAT_TIMEOUT.code);
    const posted = await lpRequest(`${lp.base}?token=nope`, { method: 'POST', body: '[]' });
    expect(posted.httpStatus).toBe(410);
  });

  it('R15.1 DELETE ends the session at once: memberships and presence go, the user count drops', async () => {
    const { url, server } = await harness.start();
    const lp = await openLp(url, 'ann');
    lp.start();
    await lp.join('realtime:room');
    await lpRequest(lp.url(), { method: 'DELETE' });
    await until(() => server.stats().sessions === 0);
    expect(server.stats()).toMatchObject({ sessions: 0, users: 0, memberships: 0, topics: 0 });
  });

  it('R15.1 answers a held poll with SERVER_SHUTTING_DOWN when the server closes', async () => {
    const { url, server } = await harness.start({ longPoll: { pollTimeoutMs: 10_000 } });
    const lp = await openLp(url, 'ann');
    const held = lp.poll(0);
    await heldPolls(server, 1);
    await server.close();
    const answer = await held;
    expect(answer.body.status).toBe(CLOSE_CODES.SERVER_SHUTTING_DOWN.code);
  });
});
