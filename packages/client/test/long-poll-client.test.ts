import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../src/index.ts';
import type { ClientStatus } from '../src/transports/transport-status.ts';
import { channelState, ServerFixture, signToken, statusWhere } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

/** A WebSocket whose connection is always refused (as behind a proxy that drops WebSocket traffic); counts attempts. */
function refusingWebSocket(): { WebSocket: WebSocketConstructor; attempts: () => number } {
  let attempts = 0;
  class Refused extends WebSocket {
    constructor(_url: string) {
      attempts += 1;
      super('ws://127.0.0.1:1/refused');
    }
  }
  return { WebSocket: Refused as unknown as WebSocketConstructor, attempts: () => attempts };
}

describe('R15.1 the SDK over the long-poll transport', () => {
  it('R15.1 falls back after two failed WebSocket opens, shows transport "longpoll", and broadcasts both ways', async () => {
    const { wsUrl, server } = await fixture.start({ rateLimit: false });
    const refusing = refusingWebSocket();
    const client = fixture.client({
      url: wsUrl,
      token: await signToken('ann'),
      WebSocket: refusing.WebSocket,
      longPoll: { upgradeProbeIntervalMs: 600_000 },
      backoff: { baseMs: 10, capMs: 20 },
    });
    const peer = fixture.client({ url: wsUrl, token: await signToken('bob') });
    const channel = client.channel('wedding:3', { broadcast: { ack: true } });
    await channel.join();
    expect(refusing.attempts()).toBe(2);
    expect((client.status as ClientStatus).transport).toBe('longpoll');
    expect(client.status.state).toBe('connected');

    const peerChannel = peer.channel('wedding:3', { broadcast: { ack: true } });
    await peerChannel.join();
    const heardByLongPoll = new Promise<unknown>((resolve) => channel.onBroadcast('note', resolve));
    const heardByPeer = new Promise<unknown>((resolve) => peerChannel.onBroadcast('note', resolve));
    await peerChannel.broadcast('note', { from: 'bob' });
    await channel.broadcast('note', { from: 'ann' });
    expect(await heardByLongPoll).toEqual({ from: 'bob' });
    expect(await heardByPeer).toEqual({ from: 'ann' });
    expect(server.stats().sessions).toBe(2);

    // close() ends the long-poll session on the server at once (DELETE), leaving nothing behind.
    await client.close();
    expect(server.stats().sessions).toBe(1);
  });

  it('R15.1 frames sent in one burst are split to the server body cap and arrive complete and in order', async () => {
    const { wsUrl } = await fixture.start({ rateLimit: false, longPoll: { maxBodyBytes: 70_000 } });
    const client = fixture.client({
      url: wsUrl,
      token: await signToken('ann'),
      WebSocket: refusingWebSocket().WebSocket,
      longPoll: { fallbackAfterFailures: 1 },
    });
    const peer = fixture.client({ url: wsUrl, token: await signToken('bob') });
    const channel = client.channel('wedding:4');
    const peerChannel = peer.channel('wedding:4');
    await Promise.all([channel.join(), peerChannel.join()]);
    const received: number[] = [];
    const allReceived = new Promise<void>((resolve) =>
      peerChannel.onBroadcast('chunk', (payload) => {
        received.push((payload as { n: number }).n);
        if (received.length === 20) resolve();
      }),
    );
    const blob = 'y'.repeat(10_000);
    for (let n = 0; n < 20; n++) void channel.broadcast('chunk', { n, blob });
    await allReceived;
    expect(received).toEqual([...Array(20).keys()]);
    expect(client.usage().sessionSent).toBeGreaterThan(200_000);
  });

  it('R14.1 an invalid token over long-poll ends in the same error state as over WebSocket', async () => {
    const { wsUrl } = await fixture.start();
    const client = fixture.client({
      url: wsUrl,
      token: 'not-a-jwt',
      WebSocket: refusingWebSocket().WebSocket,
      longPoll: { fallbackAfterFailures: 1 },
    });
    client.connect();
    const status = await statusWhere(client, (s) => s.state === 'error');
    expect(status.reason).toBe('TOKEN_INVALID');
  });

  it('R15.1 a server restart reaches a long-poll client as SERVER_SHUTTING_DOWN and it reconnects and rejoins', async () => {
    const first = await fixture.start();
    const client = fixture.client({
      url: first.wsUrl,
      token: await signToken('ann'),
      WebSocket: refusingWebSocket().WebSocket,
      longPoll: { fallbackAfterFailures: 1 },
      backoff: { baseMs: 50, capMs: 100 },
    });
    const channel = client.channel('wedding:5');
    await channel.join();
    const reasons: Array<string | null> = [];
    client.onStatus((status) => reasons.push(status.reason));
    await fixture.closeServer(first.server);
    await statusWhere(client, (s) => s.state === 'reconnecting');
    expect(reasons).toContain('SERVER_SHUTTING_DOWN');
    await fixture.start({}, first.port);
    await channelState(channel, 'joined', 10_000);
    expect((client.status as ClientStatus).transport).toBe('longpoll');
  });
});
