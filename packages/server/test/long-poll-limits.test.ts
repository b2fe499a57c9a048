import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';
import { LpClient, lpRequest } from './long-poll-fixture.ts';

const harness = new Harness();
const clients: LpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end()));
  await harness.dispose();
});

async function openLp(url: string, user: string): Promise<LpClient> {
  const client = await LpClient.open(url, await signToken(user));
  clients.push(client);
  client.start();
  return client;
}

describe('R15.1 long-poll: authorization and limits identical to WebSocket (R2.2, R2.4, R14.1)', () => {
  it('R14.1 refuses an invalid token at open with 401 and the TOKEN_INVALID close status', async () => {
    const { url } = await harness.start();
    const answer = await lpRequest(`${url}/realtime/v1/longpoll?vsn=2.0.0&apikey=not-a-jwt`);
    expect(answer.httpStatus).toBe(401);
    expect(answer.body.status).toBe(CLOSE_CODES.TOKEN_INVALID.code);
    expect(answer.body.reason).toMatch(/^TOKEN_INVALID: /);
  });

  it('R14.1 refuses an Origin outside ALLOWED_ORIGINS on every request', async () => {
    const { url } = await harness.start({ allowedOrigins: ['https://app.example'] });
    const token = await signToken('ann');
    const refused = await lpRequest(`${url}/realtime/v1/longpoll?vsn=2.0.0&apikey=${token}`, {
      origin: 'https://evil.example',
    });
    expect(refused.httpStatus).toBe(403);
    expect(refused.body.reason).toMatch(/^ORIGIN_NOT_ALLOWED: /);
    const allowed = await lpRequest(`${url}/realtime/v1/longpoll?vsn=2.0.0&apikey=${token}`, {
      origin: 'https://app.example',
    });
    expect(allowed.body.status).toBe(410);
    const post = await lpRequest(`${url}/realtime/v1/longpoll?token=${encodeURIComponent(allowed.body.token)}`, {
      method: 'POST',
      body: '[null,"1","phoenix","heartbeat",{}]',
      origin: 'https://evil.example',
    });
    expect(post.httpStatus).toBe(403);
  });

  it('R2.2 a join refused by the authorization hook gets the same FORBIDDEN reply', async () => {
    const { url } = await harness.start({
      hooks: {
        authorizeJoin: ({ topic }) =>
          topic === 'wedding:w1' ? true : { ok: false, code: 'FORBIDDEN', message: 'not on this wedding' },
      },
    });
    const lp = await openLp(url, 'ann');
    expect((await lp.join('wedding:w1')).payload.status).toBe('ok');
    const refused = await lp.join('wedding:w2');
    expect(parseErrorReason(refused.payload.response)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('R14.1 the per-user rate limit counts long-poll frames', async () => {
    const { url } = await harness.start({ rateLimit: { points: 3, durationMs: 60_000 } });
    const lp = await openLp(url, 'ann');
    const { joinRef } = await lp.join('realtime:room', { config: { broadcast: { ack: true } } });
    const replies = [];
    for (let n = 0; n < 3; n++)
      replies.push(
        await lp.push('realtime:room', 'broadcast', { type: 'broadcast', event: 'e', payload: {} }, joinRef),
      );
    expect(replies.map((reply) => reply.payload.status)).toEqual(['ok', 'ok', 'error']);
    expect(parseErrorReason(replies[2]?.payload.response).code).toBe('RATE_LIMITED');
  });

  it('R2.4 refuses the third join with SUBSCRIPTION_LIMIT when the limit is 2', async () => {
    const { url } = await harness.start({ maxChannelsPerConnection: 2 });
    const lp = await openLp(url, 'ann');
    await lp.join('realtime:a');
    await lp.join('realtime:b');
    const third = await lp.join('realtime:c');
    expect(parseErrorReason(third.payload.response).code).toBe('SUBSCRIPTION_LIMIT');
  });

  it('R14.1 long-poll sessions count against the per-user connection cap', async () => {
    const { url, wsUrl } = await harness.start({ maxConnectionsPerUser: 1 });
    await harness.connect(wsUrl, { token: await signToken('ann') });
    const answer = await lpRequest(`${url}/realtime/v1/longpoll?vsn=2.0.0&apikey=${await signToken('ann')}`);
    expect(answer.httpStatus).toBe(429);
    expect(answer.body.status).toBe(CLOSE_CODES.CONNECTION_LIMIT.code);
  });

  it('R15.1 longPoll: false leaves the paths unmounted', async () => {
    const { url } = await harness.start({ longPoll: false });
    const answer = await lpRequest(`${url}/realtime/v1/longpoll?vsn=2.0.0&apikey=${await signToken('ann')}`);
    expect(answer.httpStatus).toBe(404);
  });
});
