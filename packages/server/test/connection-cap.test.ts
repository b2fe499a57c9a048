import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R14.1 per-user connection cap', () => {
  it('R14.1 closes the connection over maxConnectionsPerUser with CONNECTION_LIMIT; others are unaffected', async () => {
    const { wsUrl, server } = await harness.start({ maxConnectionsPerUser: 2 });
    const token = await signToken('ann');
    const first = await harness.connect(wsUrl, { token });
    await harness.connect(wsUrl, { token });
    const third = await harness.connect(wsUrl, { token });
    const closed = await third.closed;
    expect(closed.code).toBe(CLOSE_CODES.CONNECTION_LIMIT.code);
    expect(parseErrorReason(closed.reason).code).toBe('CONNECTION_LIMIT');
    expect((await (await harness.connect(wsUrl, { token: await signToken('bob') })).heartbeat()).payload.status).toBe(
      'ok',
    );

    first.close();
    await until(() => server.sessionCount === 2);
    const again = await harness.connect(wsUrl, { token });
    expect((await again.heartbeat()).payload.status).toBe('ok');
  });

  it('R14.1 counts users who authenticate in the join payload too', async () => {
    const { wsUrl } = await harness.start({ maxConnectionsPerUser: 1 });
    const token = await signToken('ann');
    await harness.connect(wsUrl, { token });
    const late = await harness.connect(wsUrl);
    const reply = await late.join('realtime:room', { access_token: token });
    expect(parseErrorReason(reply.payload.response).code).toBe('CONNECTION_LIMIT');
  });
});
