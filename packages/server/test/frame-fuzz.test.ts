import v8 from 'node:v8';
import vm from 'node:vm';
import {
  decodeTextFrame,
  decodeUserBroadcastPush,
  encodeUserBroadcastPush,
  isErrorCode,
  parseErrorReason,
} from '@wedsync/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type PhxClient, signToken } from './engine-harness.ts';

/**
 * Property: whatever a client sends, every frame is answered or ignored as the protocol says, the
 * server keeps answering, and its state stays bounded. The oracle for "malformed" is the protocol
 * package's own decoder.
 */
v8.setFlagsFromString('--expose-gc');
const gc: () => void = globalThis.gc ?? vm.runInNewContext('gc');

const harness = new Harness();
let client: PhxClient;
let server: Awaited<ReturnType<Harness['start']>>['server'];
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

beforeAll(async () => {
  const started = await harness.start({ maxPayloadBytes: 4_096 });
  server = started.server;
  client = await harness.connect(started.wsUrl, { token: await signToken('fuzzer') });
  await client.join('realtime:room', {
    config: { broadcast: { ack: true }, presence: { key: 'fuzzer', enabled: true } },
  });
});
afterAll(() => harness.dispose());

type Sent = { data: string | Uint8Array; ref?: string };

let counter = 0;
// Long enough that a random string of the other arbitraries (e.g. "f6" from fc.jsonValue, seed
// 1301945767) never equals it: such a frame's reply would be counted as a second reply to this ref.
const uniqueRef = () => `fuzz-ref-${++counter}`;

const topicArb = fc.oneof(
  fc.constantFrom('realtime:room', 'realtime:wedding:w1', 'phoenix', 'realtime:', '', 'wedding:w1', 'x'.repeat(300)),
  fc.string({ maxLength: 40 }),
);
const eventArb = fc.oneof(
  fc.constantFrom(
    'phx_join',
    'phx_leave',
    'broadcast',
    'presence',
    'heartbeat',
    'access_token',
    'phx_reply',
    'phx_close',
    'sync_mutate',
  ),
  fc.string({ maxLength: 20 }),
);
const refArb = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.constant(1e308),
  fc.boolean(),
);
const payloadArb = fc.oneof(
  fc.object({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    type: fc.constant('broadcast'),
    event: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    payload: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({
    type: fc.constant('presence'),
    event: fc.constantFrom('track', 'untrack', 'x'),
    payload: fc.oneof(fc.object({ maxDepth: 2 }), fc.string()),
  }),
  fc.record({ config: fc.jsonValue({ maxDepth: 3 }), access_token: fc.oneof(fc.string(), fc.integer()) }),
  fc.record({ access_token: fc.string({ maxLength: 30 }) }),
  fc.record({ blob: fc.string({ minLength: 4_000, maxLength: 6_000 }) }),
);

const frameArb: fc.Arbitrary<Sent> = fc.oneof(
  // structured frames with a unique ref, so their replies can be counted
  fc.tuple(refArb, topicArb, eventArb, payloadArb).map(([joinRef, topic, event, payload]) => {
    const ref = uniqueRef();
    return { data: JSON.stringify([joinRef, ref, topic, event, payload]), ref };
  }),
  // wrong arrays, wrong types, huge numbers
  fc
    .array(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(1e308), fc.constant(-0), fc.bigInt().map(String)), {
      maxLength: 7,
    })
    .map((items) => ({ data: JSON.stringify(items) })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ data: JSON.stringify(value) })),
  fc.string({ maxLength: 200 }).map((text) => ({ data: text })),
  fc
    .constantFrom(
      '[',
      '[null,null',
      '{"a":',
      '\u0000',
      '[1e999999,null,"t","e",{}]',
      '[null,"1","phoenix","heartbeat",{"x":1e400}]',
    )
    .map((data) => ({ data })),
  // binary junk, binary that looks like kind 3, and well-formed kind 3
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ data: bytes })),
  fc.tuple(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ maxLength: 200 })).map(([header, rest]) => ({
    data: Uint8Array.from([3, ...header, ...rest]),
  })),
  fc
    .tuple(
      topicArb,
      fc.string({ minLength: 1, maxLength: 10 }),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.uint8Array({ maxLength: 50 })),
    )
    .map(([topic, event, payload]) => {
      const ref = uniqueRef();
      try {
        return { data: encodeUserBroadcastPush({ joinRef: '1', ref, topic, event, metadata: {}, payload }), ref };
      } catch {
        return { data: Uint8Array.from([3, 0, 0, 0, 0, 0, 1]) };
      }
    }),
);

/** True when the server's decoder (the protocol package) rejects the frame. */
function malformed(data: string | Uint8Array): boolean {
  if (typeof data === 'string') return !decodeTextFrame(data, '2.0.0').ok;
  return !decodeUserBroadcastPush(data).ok;
}

describe('R1.1/R14.1 malformed and random frames never break the server', () => {
  it(`answers or ignores thousands of random frames per protocol and stays responsive (seed ${seed})`, async () => {
    console.log(`frame-fuzz seed: ${seed} (rerun with FC_SEED=${seed})`);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let sentTotal = 0;
    let expectedMalformed = 0;
    const refs: Sent[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { minLength: 50, maxLength: 120 }), async (frames) => {
        for (const frame of frames) {
          client.socket.send(frame.data, { binary: typeof frame.data !== 'string' });
          if (malformed(frame.data)) expectedMalformed++;
          else if (frame.ref) refs.push(frame);
        }
        sentTotal += frames.length;
        // A marker through the same ordered queue: once answered, every earlier frame was handled.
        const marker = await client.push('realtime:marker-never-joined', 'broadcast', {
          type: 'broadcast',
          event: 'm',
          payload: {},
        });
        expect(parseErrorReason(marker.payload.response).code).toBe('UNMATCHED_TOPIC');
        expect((await client.heartbeat()).payload.status).toBe('ok');
        expect(client.socket.readyState).toBe(client.socket.OPEN);
      }),
      { seed, numRuns: 40, endOnFailure: true },
    );
    expect(sentTotal).toBeGreaterThan(2_000);

    // Every received frame is a well-formed V2 frame; every error names one of our codes.
    for (const frame of client.frames) {
      expect(typeof frame.topic).toBe('string');
      expect(typeof frame.event).toBe('string');
      if (frame.event === 'phx_reply' && frame.payload.status === 'error') {
        const reason = parseErrorReason(frame.payload.response);
        expect(isErrorCode(reason.code), JSON.stringify(frame)).toBe(true);
      }
    }
    // Each malformed frame got exactly one MALFORMED_FRAME reply.
    const malformedReplies = client.frames.filter(
      (frame) => frame.event === 'phx_reply' && /^MALFORMED_FRAME:/.test(frame.payload.response?.reason ?? ''),
    );
    expect(malformedReplies.length).toBe(expectedMalformed);
    // Each decodable frame with a ref got at most one reply; all but broadcasts and access_token exactly one.
    const repliesByRef = new Map<string, number>();
    for (const frame of client.frames)
      if (frame.event === 'phx_reply' && frame.ref) repliesByRef.set(frame.ref, (repliesByRef.get(frame.ref) ?? 0) + 1);
    for (const sent of refs) {
      const count = repliesByRef.get(sent.ref!) ?? 0;
      expect(count).toBeLessThanOrEqual(1);
      const event = typeof sent.data === 'string' ? (JSON.parse(sent.data) as unknown[])[3] : 'broadcast';
      if (event !== 'broadcast' && event !== 'access_token') expect(count, sent.data.toString()).toBe(1);
    }
    // Bounded: the server holds at most the channel limit, and the heap did not run away.
    expect(server.stats().memberships).toBeLessThanOrEqual(50);
    expect(server.sessionCount).toBe(1);
    // The heap (after a forced GC) also holds this test's own log of every received frame.
    gc();
    const heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore;
    console.log(`frame-fuzz: ${sentTotal} frames sent, heap growth ${(heapGrowthBytes / 1024).toFixed(0)} KiB`);
    expect(heapGrowthBytes).toBeLessThan(32 * 1024 * 1024);
  });
});
