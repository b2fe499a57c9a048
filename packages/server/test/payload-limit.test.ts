import { parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R14.1 maximum payload', () => {
  it('R14.1 answers a frame over 64 KiB with PAYLOAD_TOO_LARGE and keeps the connection', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await client.join('realtime:room', { config: { broadcast: { ack: true } } });
    const big = { type: 'broadcast', event: 'e', payload: { blob: 'x'.repeat(70 * 1024) } };
    const reply = await client.push('realtime:room', 'broadcast', big, joinRef);
    expect(parseErrorReason(reply.payload.response).code).toBe('PAYLOAD_TOO_LARGE');
    const fits = await client.push(
      'realtime:room',
      'broadcast',
      { type: 'broadcast', event: 'e', payload: { blob: 'x'.repeat(60 * 1024) } },
      joinRef,
    );
    expect(fits.payload.status).toBe('ok');
    expect((await client.heartbeat()).payload.status).toBe('ok');
  });

  it('R14.1 closes the socket (1009) for a frame far over the limit, never buffering it whole', async () => {
    const { wsUrl } = await harness.start({ maxPayloadBytes: 1024 });
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    client.socket.send('x'.repeat(64 * 1024));
    expect((await client.closed).code).toBe(1009);
  });
});
