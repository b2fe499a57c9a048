import { parseErrorReason } from '@wedsync/protocol';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R14.1 per-user rate limit', () => {
  it('R14.1 answers messages over the budget with RATE_LIMITED and retryAfterMs; heartbeats are not limited', async () => {
    const { wsUrl, server } = await harness.start({ rateLimit: { points: 5, durationMs: 60_000 } });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room', { config: { broadcast: { ack: true } } });
    const replies = [];
    for (let index = 0; index < 6; index++) {
      replies.push(
        await client.push('realtime:room', 'broadcast', { type: 'broadcast', event: 'e', payload: { index } }, joinRef),
      );
    }
    expect(replies.slice(0, 4).map((reply) => reply.payload.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const limited = replies.slice(4).map((reply) => parseErrorReason(reply.payload.response));
    expect(limited.map((error) => error.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(limited[0]!.details.retryAfterMs).toBeGreaterThan(50_000);
    expect((await client.heartbeat()).payload.status).toBe('ok');
    expect(await server.metrics.getSingleMetricAsString('realtime_rate_limited_total')).toMatch(/ 2$/m);
  });

  it("R14.1 the budget is per user across that user's connections, not per socket", async () => {
    const { wsUrl } = await harness.start({ rateLimit: { points: 3, durationMs: 60_000 } });
    const token = await signToken('ann');
    const tabA = await harness.connect(wsUrl, { token });
    const tabB = await harness.connect(wsUrl, { token });
    const other = await harness.connect(wsUrl, { token: await signToken('bob') });
    await tabA.join('realtime:a');
    await tabB.join('realtime:b');
    await tabA.join('realtime:c');
    expect(parseErrorReason((await tabB.join('realtime:d')).payload.response).code).toBe('RATE_LIMITED');
    expect((await other.join('realtime:d')).payload.status).toBe('ok');
  });

  it('R14.1 accepts an injected limiter (e.g. a Redis-backed one shared by nodes)', async () => {
    const limiter = new RateLimiterMemory({ points: 1, duration: 60 });
    const first = await harness.start({ rateLimit: { limiter } });
    const second = await harness.start({ rateLimit: { limiter } });
    const token = await signToken('ann');
    const onFirst = await harness.connect(first.wsUrl, { token });
    const onSecond = await harness.connect(second.wsUrl, { token });
    expect((await onFirst.join('realtime:a')).payload.status).toBe('ok');
    expect(parseErrorReason((await onSecond.join('realtime:a')).payload.response).code).toBe('RATE_LIMITED');
  });

  it('R14.1 bounds the queue of a session whose messages wait on a slow hook (RATE_LIMITED, nothing buffered without limit)', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { wsUrl } = await harness.start({ hooks: { authorizeMessage: () => gate.then(() => true as const) } });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room');
    const blob = 'x'.repeat(60 * 1024);
    const limited = client.waitFor(
      (frame) => frame.event === 'phx_reply' && /^RATE_LIMITED/.test(frame.payload.response?.reason ?? ''),
    );
    for (let index = 0; index < 80; index++) {
      client.sendFrame(joinRef, client.nextRef(), 'realtime:room', 'broadcast', {
        type: 'broadcast',
        event: 'e',
        payload: { blob },
      });
    }
    expect(parseErrorReason((await limited).payload.response).details.retryAfterMs).toBeGreaterThan(0);
    release();
    expect((await client.heartbeat()).payload.status).toBe('ok');
  });
});
