import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  type ChangesPayload,
  EVENTS,
  type FieldOp,
  isCompressedValue,
  type RecordSnapshot,
  type ResyncPayload,
} from '@wedsync/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../src/realtime-server.ts';
import { changeCompressor } from '../src/records/change-compression.ts';
import { attachRecordSync, type RecordSync } from '../src/records/record-sync.ts';
import type { RecordSyncHooks } from '../src/records/record-sync-hooks.ts';
import type { RecordSyncHost } from '../src/records/record-sync-host.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, TEST_SCHEMAS, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { SyncTestClient, TEST_JWT_SECRET } from './fixtures/sync-test-client.ts';

/** Prose-like text of about `chars` characters from a fixed vocabulary (deterministic, compresses ~3×). */
function noteBody(chars: number, seed: number): string {
  const words = ['ceremony', 'barn', 'florist', 'peonies', 'speech', 'toast', 'menu', 'vegan', 'band', 'timeline'];
  let state = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const word = words[state % words.length]!;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ').slice(0, chars);
}

const gunzipJson = (content: unknown): unknown => {
  if (!isCompressedValue(content)) throw new Error(`not compressed: ${JSON.stringify(content).slice(0, 80)}`);
  return JSON.parse(gunzipSync(Buffer.from(content.$gz, 'base64')).toString('utf8'));
};

/** Every payload object a per-member `deliverLocal` produced for `sync_changes`, per session id. */
type Captured = Array<Map<string, unknown>>;

describe('R12.2 large text compressed once per message on the way out', () => {
  let storage: Storage;
  let server: RealtimeServer;
  let sync: RecordSync;
  let wsUrl: string;
  let names: TestNames;
  let captured: Captured;
  const clients: SyncTestClient[] = [];
  let mid = 0;

  /** The real server, seen through a host that records what each member's payload function returned. */
  async function start(hooks?: RecordSyncHooks) {
    server = await createRealtimeServer({
      jwtSecret: TEST_JWT_SECRET,
      rateLimit: false,
      logger: pino({ level: 'silent' }),
    });
    const host: RecordSyncHost = {
      bus: server.bus,
      nodeId: server.nodeId,
      registerEvent: (event, handler) => server.registerEvent(event, handler),
      onJoin: (listener) => server.onJoin(listener),
      onLeave: (listener) => server.onLeave(listener),
      onDisconnect: (listener) => server.onDisconnect(listener),
      deliverLocal: (topic, event, payload) => {
        if (typeof payload !== 'function' || event !== EVENTS.changes)
          return server.deliverLocal(topic, event, payload);
        const perSession = new Map<string, unknown>();
        captured.push(perSession);
        return server.deliverLocal(topic, event, (session) => {
          const result = (payload as (s: typeof session) => unknown)(session);
          if (result !== undefined) perSession.set(session.id, result);
          return result;
        });
      },
    };
    sync = await attachRecordSync(host, { schemas: TEST_SCHEMAS, storage, ...(hooks ? { hooks } : {}) });
    ({ wsUrl } = await server.listen({ port: 0, host: '127.0.0.1' }));
  }

  async function member(userId: string, config?: { since?: number; snapshot?: boolean }) {
    const client = await SyncTestClient.connect(wsUrl, userId);
    clients.push(client);
    await client.join(names.topic, config);
    return client;
  }

  const commit = (id: string, ops: FieldOp[], base = 0) =>
    sync.commit({
      scope: names.topic,
      clientId: names.cid('app'),
      actor: { userId: 'couple', name: 'Couple' },
      mutations: [{ mid: ++mid, c: 'items', id: names.rid(id), base, ops }],
    });

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(() => {
    names = testNames();
    captured = [];
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await sync?.close();
    await server?.close();
  });

  it('R12.2 a 50 KB note body reaches every member of one audience as the same compressed payload, gzipped once', async () => {
    await start();
    const readers = await Promise.all(['ann', 'ben', 'cat'].map((user) => member(user)));
    const body = noteBody(50_000, 1);
    const before = { ...changeCompressor.stats };
    const { changes } = await commit('note', [{ k: 'text', f: F.notes, op: [body] }]);
    const seq = changes[0]!.seq;
    const frames = await Promise.all(readers.map((reader) => reader.waitForSeq(names.topic, seq)));

    expect(changeCompressor.stats.gzipRuns - before.gzipRuns).toBe(1);
    const perSession = captured.find((map) => map.size > 0)!;
    expect(perSession.size).toBe(3);
    const [first, ...rest] = [...perSession.values()];
    for (const other of rest) expect(other).toBe(first); // one object → serialised once (DESIGN §7)
    const wire = frames.map((frame) => JSON.stringify(frame.payload));
    expect(new Set(wire).size).toBe(1);
    expect(wire[0]!.length).toBeLessThan(body.length / 2);

    const op = (frames[0]!.payload as ChangesPayload).changes[0]!.ops[0]!;
    expect(op.k).toBe('text');
    expect(gunzipJson((op as { op: unknown }).op)).toEqual([body]);
  });

  it('R12.2 small values and values gzip cannot shrink by 20 % travel plain', async () => {
    await start();
    const reader = await member('ann');
    // 3 KiB of hash output in base64: over the threshold, but gzip saves far less than 20 % of it.
    const random = Buffer.concat(
      Array.from({ length: 70 }, (_, i) => createHash('sha256').update(String(i)).digest()),
    ).toString('base64');
    const { changes } = await commit('plain', [
      { k: 'set', f: F.title, v: 'Barn wedding' },
      { k: 'text', f: F.notes, op: [noteBody(1_500, 2)] },
      { k: 'set', f: F.count, v: random },
    ]);
    const frame = await reader.waitForSeq(names.topic, changes[0]!.seq);
    const ops = (frame.payload as ChangesPayload).changes[0]!.ops;
    expect(ops).toEqual(changes[0]!.ops);
    expect(JSON.stringify(ops)).not.toContain('$gz');
  });

  it('R12.2 replays and snapshots carry large values compressed; small ones plain', async () => {
    await start();
    const body = noteBody(20_000, 3);
    const created = await commit('r1', [
      { k: 'set', f: F.title, v: 'Small' },
      { k: 'text', f: F.notes, op: [body] },
    ]);

    const replayed = await member('ann', { since: created.changes[0]!.seq - 1 });
    const replay = await replayed.waitForSeq(names.topic, created.changes[0]!.seq);
    expect((replay.payload as ChangesPayload).replay).toBe(true);
    const [title, notes] = (replay.payload as ChangesPayload).changes[0]!.ops;
    expect(title).toEqual({ k: 'set', f: F.title, v: 'Small' });
    expect(gunzipJson((notes as { op: unknown }).op)).toEqual([body]);

    const fresh = await member('ben', { snapshot: true });
    const resync = await fresh.waitFor((f) => f.topic === names.topic && f.event === EVENTS.resync);
    const record = (resync.payload as ResyncPayload).records.find((r) => r.id === names.rid('r1')) as RecordSnapshot;
    expect(record.fields[String(F.title)]).toBe('Small');
    expect(gunzipJson(record.fields[String(F.notes)])).toBe(body);

    const reply = await fresh.request<ResyncPayload>(names.topic, EVENTS.snapshot, {});
    const replied = reply.response.records.find((r) => r.id === names.rid('r1'))!;
    expect(gunzipJson(replied.fields[String(F.notes)])).toBe(body);
  });

  it('R12.2 with one audience per user, the same large value is gzipped once and shared across audiences', async () => {
    await start({ audienceKey: (session) => session.user.id, projectChange: (change) => change });
    const readers = await Promise.all(['ann', 'ben'].map((user) => member(user)));
    const body = noteBody(30_000, 4);
    const before = { ...changeCompressor.stats };
    const { changes } = await commit('shared', [{ k: 'set', f: F.title, v: body }]);
    await Promise.all(readers.map((reader) => reader.waitForSeq(names.topic, changes[0]!.seq)));

    const perSession = captured.find((map) => map.size > 0)!;
    const [a, b] = [...perSession.values()] as ChangesPayload[];
    expect(a).not.toBe(b); // two audiences, two projections…
    expect(a!.changes[0]!.ops[0]).toEqual(b!.changes[0]!.ops[0]);
    expect((a!.changes[0]!.ops[0] as { v: unknown }).v).toBe((b!.changes[0]!.ops[0] as { v: unknown }).v); // …one gzip
    expect(changeCompressor.stats.gzipRuns - before.gzipRuns).toBe(1);
    expect(changeCompressor.stats.cacheHits - before.cacheHits).toBe(1);
    expect(gunzipJson((a!.changes[0]!.ops[0] as { v: unknown }).v)).toBe(body);
  });
});
