import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R14.1 Origin allow-list', () => {
  it('R14.1 closes a connection from a foreign Origin with ORIGIN_NOT_ALLOWED (4003) and a readable reason', async () => {
    const { wsUrl } = await harness.start({ allowedOrigins: ['https://app.wedsync.test'] });
    const client = await harness.connect(wsUrl, { token: await signToken('ann'), origin: 'https://evil.test' });
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_CODES.ORIGIN_NOT_ALLOWED.code);
    expect(parseErrorReason(closed.reason).code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('R14.1 accepts a listed Origin and a client without Origin', async () => {
    const { wsUrl } = await harness.start({ allowedOrigins: ['https://app.wedsync.test'] });
    const browser = await harness.connect(wsUrl, { token: await signToken('ann'), origin: 'https://APP.wedsync.test' });
    const tool = await harness.connect(wsUrl, { token: await signToken('bob') });
    expect((await browser.heartbeat()).payload.status).toBe('ok');
    expect((await tool.heartbeat()).payload.status).toBe('ok');
  });
});
