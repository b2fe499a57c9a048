import { afterEach, describe, expect, it } from 'vitest';
import type { JoinContext } from '../src/index.ts';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R2.2 authorizeJoin sees the channel’s join payload after the join too (issue 9: held as text)', () => {
  it('R2.2 R14.1 the default message check and a token refresh pass authorizeJoin the payload the client joined with', async () => {
    const seen: Array<{ reason: string; payload: unknown }> = [];
    let calls = 0;
    const { wsUrl } = await harness.start({
      hooks: {
        authorizeJoin(ctx: JoinContext) {
          seen.push({ reason: ['join', 'message', 'refresh'][Math.min(calls++, 2)]!, payload: ctx.payload });
          return true;
        },
      },
    });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const joinPayload = {
      config: {
        broadcast: { self: true, ack: true },
        presence: { key: 'ann', enabled: true },
        private: false,
        custom: [1, 'x'],
      },
      version: '2.60.0',
    };
    const { joinRef } = await client.join('realtime:wedding:w1', joinPayload);
    const sent = { type: 'broadcast', event: 'hello', payload: { n: 1 } };
    await client.push('realtime:wedding:w1', 'broadcast', sent, joinRef);
    await client.push('realtime:wedding:w1', 'access_token', { access_token: await signToken('ann') }, joinRef);

    expect(seen.map((call) => call.reason)).toEqual(['join', 'message', 'refresh']);
    for (const call of seen) expect(call.payload).toEqual(joinPayload);
  });
});
