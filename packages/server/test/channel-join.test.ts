import { parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinContext } from '../src/index.ts';
import { Harness, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R2.2 join authorisation', () => {
  it('R2.2 a join refused by the authorizeJoin hook gets phx_reply error with "CODE: message"', async () => {
    const seen: JoinContext[] = [];
    const { wsUrl, server } = await harness.start({
      hooks: {
        authorizeJoin(ctx) {
          seen.push(ctx);
          return ctx.parsedTopic?.kind === 'wedding' && ctx.parsedTopic.weddingId === 'w1'
            ? true
            : { ok: false, code: 'FORBIDDEN', message: `${ctx.user.id} may not read ${ctx.topic}` };
        },
      },
    });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const refused = await client.join('realtime:wedding:w2');
    expect(refused.payload).toEqual({
      status: 'error',
      response: { reason: 'FORBIDDEN: ann may not read wedding:w2' },
    });
    const accepted = await client.join('wedding:w1');
    expect(accepted.payload).toEqual({ status: 'ok', response: { postgres_changes: [] } });
    expect(seen.map((ctx) => ctx.topic)).toEqual(['wedding:w2', 'wedding:w1']);
    expect(server.localMembers('wedding:w2')).toEqual([]);
    expect(await server.metrics.getSingleMetricAsString('realtime_joins_refused_total')).toMatch(
      /code="FORBIDDEN".* 1$/m,
    );
  });

  it('R14.1 re-checks authorisation on every message (authorizeMessage) and refuses with its code', async () => {
    let allowed = true;
    const { wsUrl } = await harness.start({
      hooks: {
        authorizeMessage: () => (allowed ? true : { ok: false, code: 'READ_ONLY', message: 'viewers cannot send' }),
      },
    });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room', { config: { broadcast: { ack: true } } });
    const send = () =>
      client.push('realtime:room', 'broadcast', { type: 'broadcast', event: 'e', payload: {} }, joinRef);
    expect((await send()).payload.status).toBe('ok');
    allowed = false;
    expect(parseErrorReason((await send()).payload.response).code).toBe('READ_ONLY');
  });

  it('R14.1 by default re-runs authorizeJoin for every message', async () => {
    let calls = 0;
    const { wsUrl } = await harness.start({
      hooks: { authorizeJoin: () => (++calls <= 2 ? true : { ok: false, code: 'RIGHTS_REVOKED', message: 'gone' }) },
    });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room', { config: { broadcast: { ack: true } } });
    const send = () =>
      client.push('realtime:room', 'broadcast', { type: 'broadcast', event: 'e', payload: {} }, joinRef);
    expect((await send()).payload.status).toBe('ok');
    expect(parseErrorReason((await send()).payload.response).code).toBe('RIGHTS_REVOKED');
  });

  it('R2.2 a hook that throws refuses with SERVER_ERROR instead of crashing', async () => {
    const { wsUrl } = await harness.start({
      hooks: {
        authorizeJoin: () => {
          throw new Error('db down');
        },
      },
    });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    expect(parseErrorReason((await client.join('realtime:room')).payload.response).code).toBe('SERVER_ERROR');
    expect((await client.heartbeat()).payload.status).toBe('ok');
  });
});

describe('R2.4 subscription limit', () => {
  it('R2.4 refuses the 51st join with SUBSCRIPTION_LIMIT; a leave frees a slot', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    for (let index = 1; index <= 50; index++)
      expect((await client.join(`realtime:t${index}`)).payload.status).toBe('ok');
    const refused = await client.join('realtime:t51');
    expect(parseErrorReason(refused.payload.response).code).toBe('SUBSCRIPTION_LIMIT');
    const t1 = client.frames.find((frame) => frame.topic === 'realtime:t1')!;
    expect((await client.push('realtime:t1', 'phx_leave', {}, t1.joinRef)).payload.status).toBe('ok');
    expect((await client.join('realtime:t51')).payload.status).toBe('ok');
  });

  it('R2.4 honours maxChannelsPerConnection', async () => {
    const { wsUrl } = await harness.start({ maxChannelsPerConnection: 2 });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    await client.join('realtime:a');
    await client.join('realtime:b');
    expect(parseErrorReason((await client.join('realtime:c')).payload.response).code).toBe('SUBSCRIPTION_LIMIT');
  });
});

describe('R2 Phoenix channel semantics', () => {
  it('R2 a message to an unjoined topic gets UNMATCHED_TOPIC; a leave of an unjoined topic gets ok', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const reply = await client.push('realtime:nowhere', 'broadcast', { type: 'broadcast', event: 'x', payload: {} });
    expect(parseErrorReason(reply.payload.response).code).toBe('UNMATCHED_TOPIC');
    expect((await client.push('realtime:nowhere', 'phx_leave', {})).payload).toEqual({ status: 'ok', response: {} });
  });

  it('R2 a second join of the same topic closes the old join_ref and joins again', async () => {
    const { wsUrl, server } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const first = await client.join('realtime:room');
    const second = await client.join('realtime:room');
    expect(second.payload.status).toBe('ok');
    const close = client.frames.find((frame) => frame.event === 'phx_close')!;
    expect(close).toMatchObject({ joinRef: first.joinRef, ref: first.joinRef, topic: 'realtime:room' });
    expect(server.localMembers('room')).toHaveLength(1);
  });

  it('R2 refuses an empty topic and an invalid join payload', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    expect(parseErrorReason((await client.join('realtime:')).payload.response).code).toBe('TOPIC_INVALID');
    expect(
      parseErrorReason((await client.join('realtime:x', { config: { broadcast: 'yes' } })).payload.response).code,
    ).toBe('VALIDATION_FAILED');
  });

  it('R2 echoes postgres_changes bindings in order with stable numeric ids', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const bindings = [
      { event: '*', schema: 'public', table: 'weddings', filter: 'id=eq.1' },
      { event: 'INSERT', schema: 'public', table: 'guests' },
    ];
    const reply = await client.join('realtime:room', { config: { postgres_changes: bindings, unknown_key: 1 } });
    const echoed = reply.payload.response.postgres_changes;
    expect(echoed).toMatchObject(bindings);
    expect(echoed.every((binding: { id: unknown }) => typeof binding.id === 'number')).toBe(true);
    const again = await client.join('realtime:other', { config: { postgres_changes: bindings } });
    expect(again.payload.response.postgres_changes.map((binding: { id: number }) => binding.id)).toEqual(
      echoed.map((binding: { id: number }) => binding.id),
    );
  });

  it('R2 leaving removes the member everywhere in the node', async () => {
    const { wsUrl, server } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room');
    expect(server.stats()).toMatchObject({ topics: 1, memberships: 1 });
    await client.push('realtime:room', 'phx_leave', {}, joinRef);
    await until(() => server.stats().topics === 0);
    expect(server.stats()).toMatchObject({ topics: 0, memberships: 0, presenceTopics: 0 });
  });
});
