import { afterEach, describe, expect, it } from 'vitest';
import { readTokenTimes } from '../src/index.ts';
import { ServerFixture, signToken, until } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

describe('against the real server: token refresh without disconnect (R14.1)', () => {
  it('R14.1 short-lived tokens are refreshed before exp over the open socket; no message is lost', async () => {
    const { server, wsUrl } = await fixture.start({ rateLimit: false });
    const issued: string[] = [];
    // 3 s tokens: the server closes channels at exp unless a fresh access_token arrives first.
    const provider = async () => {
      const token = await signToken('anna', { expiresInSec: 3 });
      issued.push(token);
      return token;
    };
    const anna = fixture.client({ url: wsUrl, token: provider, heartbeatIntervalMs: 60_000 });
    const ben = fixture.client({ url: wsUrl, token: await signToken('ben'), heartbeatIntervalMs: 60_000 });
    let disconnects = 0;
    server.onDisconnect(() => {
      disconnects += 1;
    });
    const sender = anna.channel('wedding:3');
    const receiver = ben.channel('wedding:3');
    await Promise.all([sender.join(), receiver.join()]);
    const senderStates: string[] = [];
    sender.onState((state, reason) => senderStates.push(`${state} ${reason}`));
    const firstExpiryMs = readTokenTimes(issued[0]!)!.expiresAtMs;

    const received: number[] = [];
    let next = 0;
    // Ping-pong: each message is sent when the previous one arrived, until well past the first token's exp.
    const pastExpiry = until(
      (resolve) =>
        receiver.onBroadcast('tick', (payload) => {
          received.push((payload as { n: number }).n);
          if (Date.now() > firstExpiryMs + 500 && issued.length >= 2) resolve();
          else void sender.broadcast('tick', { n: ++next });
        }),
      10_000,
      'ticks past the first expiry',
    );
    await sender.broadcast('tick', { n: next });
    await pastExpiry;

    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(received).toEqual(Array.from({ length: received.length }, (_, index) => index));
    expect(senderStates).toEqual([]);
    expect(anna.status.state).toBe('connected');
    expect(disconnects).toBe(0);
    expect(server.sessionCount).toBe(2);
  });
});
