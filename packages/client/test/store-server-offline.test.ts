import { jsonEqual } from '@wedsync/merge';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalStorageQueueStorage, type StorageLike } from '../src/outbox/local-storage-queue-storage.ts';
import type { RecordChangeInfo } from '../src/store/store-types.ts';
import { PGLITE_START_TIMEOUT_MS, SyncWorld, settledWhen, storeRecords } from './store-sync-fixture.ts';

/** A stand-in for `window.localStorage` (Node 20 has none): the same string-only API. */
class MapStorage implements StorageLike {
  constructor(readonly items = new Map<string, string>()) {}
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  copy(): MapStorage {
    return new MapStorage(new Map(this.items));
  }
}

function sameRecords(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  return jsonEqual(Object.fromEntries(a), Object.fromEntries(b));
}

describe('Offline queue against the real server (R11.1, R11.2)', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await SyncWorld.start();
  }, PGLITE_START_TIMEOUT_MS);
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.freshTopic();
  });
  afterEach(async () => {
    await world.closeClients();
  });

  it('R11.1 edits made offline survive a page reload (same localStorage) and drain in order after reconnecting', async () => {
    const r1 = world.rid('r1');
    const local = new MapStorage();
    const first = await world.connect('alice', { queue: new LocalStorageQueueStorage(local) });
    first.store.create('items', r1, { title: 'v0', notes: '' });
    await settledWhen([first.store], () => first.store.outbox.entries().length === 0, 'create settled');
    await first.client.disconnect();
    for (let n = 1; n <= 5; n++) {
      first.store.set('items', r1, 'title', `v${n}`);
      first.store.editText('items', r1, 'notes', `${first.store.record('items', r1)?.fields.notes ?? ''}${n}`);
      first.store.append('items', r1, 'tags', `t${n}`, n);
    }
    expect(first.store.outbox.progress().queued).toBe(15);
    await first.close(); // the page goes away with 15 changes queued

    const reloaded = await world.connect('alice', { queue: new LocalStorageQueueStorage(local), online: false });
    expect(reloaded.store.clientId).toBe(first.store.clientId);
    expect(reloaded.store.outbox.progress().queued).toBe(15);
    expect(reloaded.store.record('items', r1)?.fields).toMatchObject({ title: 'v5', notes: '12345' });
    const watcher = await world.connect('bob');
    await reloaded.channel.join();
    await settledWhen(
      [reloaded.store, watcher.store],
      () => reloaded.store.outbox.entries().length === 0 && watcher.store.record('items', r1)?.fields.title === 'v5',
      'queue drained',
    );
    // Applied in the order they were made: versions 2..16 carry the edits mid by mid.
    const history = (await world.storage.history('items', r1, { limit: 100 })).sort((a, b) => a.v - b.v);
    expect(history.map((h) => h.v)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const titles = history.flatMap((h) =>
      h.ops.filter((op) => op.k === 'set' && op.f === 1).map((op) => op.k === 'set' && op.v),
    );
    expect(titles).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
    const server = await world.serverRecords();
    expect(server.get(r1)?.fields).toEqual({
      '1': 'v5',
      '2': '12345',
      '3': [1, 2, 3, 4, 5].map((n) => ({ id: `t${n}`, v: n })),
    });
    expect(storeRecords(reloaded.store)).toEqual(server);
    await settledWhen([watcher.store], () => sameRecords(storeRecords(watcher.store), server), 'watcher caught up');
  });

  it('R11.2 a mutation the server applied but whose ack was lost is replayed after a reload and applied exactly once', async () => {
    const r1 = world.rid('r1');
    const local = new MapStorage();
    const alice = await world.connect('alice', { queue: new LocalStorageQueueStorage(local) });
    alice.store.create('items', r1, { notes: 'Hi' });
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'create settled');
    alice.store.editText('items', r1, 'notes', 'Hi there');
    alice.store.append('items', r1, 'tags', 'x', 'once');
    // What the page had saved the moment before the batch left: queued, not acknowledged.
    const beforeAck = local.copy();
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'edits settled');
    await alice.close();

    const reloaded = await world.connect('alice', { queue: new LocalStorageQueueStorage(beforeAck) });
    await settledWhen([reloaded.store], () => reloaded.store.outbox.entries().length === 0, 'replay settled');
    const history = await world.storage.history('items', r1, { limit: 100 });
    expect(history).toHaveLength(3);
    expect(reloaded.store.record('items', r1)?.fields).toEqual({ notes: 'Hi there', tags: [{ id: 'x', v: 'once' }] });
    expect(storeRecords(reloaded.store)).toEqual(await world.serverRecords());
  });

  it('R11.2 a gap older than the log gets a full refresh (resync) that keeps the edits made offline', async () => {
    const [r1, r2, r3] = [world.rid('r1'), world.rid('r2'), world.rid('r3')];
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    alice.store.create('items', r1, { title: 'Barn', notes: 'Hello' });
    alice.store.create('items', r2, { title: 'to delete' });
    await settledWhen([bob.store], () => bob.store.query('items').length === 2, 'bob has both');
    await bob.client.disconnect();
    alice.store.set('items', r1, 'title', 'Castle');
    alice.store.editText('items', r1, 'notes', 'Hello!');
    alice.store.delete('items', r2);
    alice.store.create('items', r3, { title: 'new' });
    bob.store.editText('items', r1, 'notes', 'Oh, Hello');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'alice settled');
    expect(await world.storage.pruneLog(Date.now() + 60_000)).toBeGreaterThan(0);

    const events: RecordChangeInfo[] = [];
    bob.store.subscribe((changes) => events.push(...changes));
    bob.client.connect();
    await settledWhen(
      [alice.store, bob.store],
      () =>
        bob.store.outbox.entries().length === 0 &&
        alice.store.record('items', r1)?.fields.notes === 'Oh, Hello!' &&
        bob.store.record('items', r1)?.v === alice.store.record('items', r1)?.v,
      'converged after resync',
    );
    expect(events.some((e) => e.source === 'resync' && e.id === r2 && e.deleted)).toBe(true);
    expect(events.some((e) => e.source === 'resync' && e.id === r3 && e.created)).toBe(true);
    expect(bob.store.query('items').map((r) => [r.id, r.fields.title, r.fields.notes])).toEqual([
      [r1, 'Castle', 'Oh, Hello!'],
      [r3, 'new', undefined],
    ]);
    const server = await world.serverRecords();
    expect(storeRecords(bob.store)).toEqual(server);
    expect(storeRecords(alice.store)).toEqual(server);
  });
});
