import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../src/index.ts';
import type { ClientStatus } from '../src/transports/transport-status.ts';
import { ServerFixture, signToken } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

/** The `ws` class, recording whether each frame the SDK writes is text or binary. */
function recordingWebSocket(): { WebSocket: WebSocketConstructor; sent: Array<'text' | 'binary'> } {
  const sent: Array<'text' | 'binary'> = [];
  class Recording extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      sent.push(typeof data === 'string' ? 'text' : 'binary');
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  return { WebSocket: Recording as unknown as WebSocketConstructor, sent };
}

/** A WebSocket that never opens (a proxy dropping WebSocket traffic): the client continues over long-poll. */
class RefusedWebSocket extends WebSocket {
  constructor(_url: string) {
    super('ws://127.0.0.1:1/refused');
  }
}

function nextBytes(channel: { onBroadcast(event: string, handler: (payload: unknown) => void): () => void }) {
  return new Promise<unknown>((resolve) => {
    const off = channel.onBroadcast('photo', (payload) => {
      off();
      resolve(payload);
    });
  });
}

describe('R12.2 binary frames for media and attachments through the SDK', () => {
  it('R12.2 a Uint8Array broadcast goes as one binary frame (kind 3) and arrives as the same bytes (kind 4), acked', async () => {
    const { wsUrl } = await fixture.start({ rateLimit: false });
    const recording = recordingWebSocket();
    const ann = fixture.client({
      url: wsUrl,
      token: await signToken('ann'),
      vsn: '2.0.0',
      WebSocket: recording.WebSocket,
    });
    const bob = fixture.client({ url: wsUrl, token: await signToken('bob'), vsn: '2.0.0' });
    const sender = ann.channel('wedding:7', { broadcast: { ack: true } });
    const receiver = bob.channel('wedding:7');
    await Promise.all([sender.join(), receiver.join()]);

    const photo = new Uint8Array(randomBytes(20_000));
    const heard = nextBytes(receiver);
    const sentBefore = recording.sent.length;
    const bytesBefore = ann.usage().sessionSent;
    await sender.broadcast('photo', photo);
    const received = await heard;

    expect(received).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(received as Uint8Array).equals(Buffer.from(photo))).toBe(true);
    expect(recording.sent.slice(sentBefore)).toEqual(['binary']);
    // Raw bytes on the wire: a few header bytes over the payload, not JSON or base64 of it.
    expect(ann.usage().sessionSent - bytesBefore).toBeLessThan(photo.byteLength + 100);
    // JSON payloads still travel as text.
    const caption = nextBytes(receiver);
    await sender.broadcast('photo', { caption: 'first dance' });
    expect(await caption).toEqual({ caption: 'first dance' });
    expect(recording.sent.at(-1)).toBe('text');
  });

  it('R12.2 R15.1 binary frames cross the long-poll transport both ways ({b: base64} lines and messages)', async () => {
    const { wsUrl } = await fixture.start({ rateLimit: false });
    const ann = fixture.client({
      url: wsUrl,
      token: await signToken('ann'),
      vsn: '2.0.0',
      WebSocket: RefusedWebSocket as unknown as WebSocketConstructor,
      longPoll: { upgradeProbeIntervalMs: 600_000 },
      backoff: { baseMs: 10, capMs: 20 },
    });
    const bob = fixture.client({ url: wsUrl, token: await signToken('bob'), vsn: '2.0.0' });
    const onLongPoll = ann.channel('wedding:7', { broadcast: { ack: true } });
    const onWebSocket = bob.channel('wedding:7', { broadcast: { ack: true } });
    await Promise.all([onLongPoll.join(), onWebSocket.join()]);
    expect((ann.status as ClientStatus).transport).toBe('longpoll');

    const up = new Uint8Array(randomBytes(5_000));
    const heardByBob = nextBytes(onWebSocket);
    await onLongPoll.broadcast('photo', up);
    expect(Buffer.from((await heardByBob) as Uint8Array).equals(Buffer.from(up))).toBe(true);

    const down = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const heardByAnn = nextBytes(onLongPoll);
    await onWebSocket.broadcast('photo', down.buffer);
    const received = await heardByAnn;
    expect(received).toBeInstanceOf(Uint8Array);
    expect(Array.from(received as Uint8Array)).toEqual([0, 1, 2, 253, 254, 255]);
  });
});
