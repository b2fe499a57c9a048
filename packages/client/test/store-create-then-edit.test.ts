import type { Mutation } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalStorageQueueStorage, type StorageLike } from '../src/outbox/local-storage-queue-storage.ts';
import type { RejectedEvent } from '../src/outbox/outbox-types.ts';
import { PGLITE_START_TIMEOUT_MS, SyncWorld, settledWhen, storeRecords } from './store-sync-fixture.ts';

/** A stand-in for `window.localStorage` (Node 20 has none). */
class MapStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/**
 * The server checks writes the way an application with a rights model does (the wedding app's
 * Directory): the model learns of records from delivered changes (`beforeDeliver`), and a mutation
 * of a record it does not know must carry the record's owner field (`title` here) or it is refused.
 * The engine authorises every mutation of a batch before committing any of them, so an edit that
 * travels in the same batch as its record's create (or before that create is delivered) is refused.
 */
describe('An edit of a record created here travels after the create is confirmed (R3.4, R4.2, R11.1, R11.2)', () => {
  let world: SyncWorld;
  const known = new Set<string>();
  /** Every mutation the server was asked to apply, in arrival order. */
  const received: Pick<Mutation, 'mid' | 'id' | 'base'>[] = [];
  beforeAll(async () => {
    world = await SyncWorld.start({
      hooks: {
        authorizeMutation: ({ mutation }) => {
          received.push({ mid: mutation.mid, id: mutation.id, base: mutation.base });
          const isNew = !known.has(`${mutation.c}/${mutation.id}`);
          if (isNew && !mutation.ops.some((op) => op.k === 'set' && op.f === 1)) {
            return { code: 'FORBIDDEN', message: `A new ${mutation.c} record needs its owner field title` };
          }
          return undefined;
        },
        beforeDeliver: async (changes) => {
          for (const change of changes) known.add(`${change.c}/${change.id}`);
        },
      },
    });
  }, PGLITE_START_TIMEOUT_MS);
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.freshTopic();
    received.length = 0;
  });
  afterEach(async () => {
    await world.closeClients();
  });

  it('R3.4 R4.2 typing right after creating a note (same burst) is kept: the edit waits for the create and is applied', async () => {
    const note = world.rid('note');
    const alice = await world.connect('alice');
    const rejected: RejectedEvent[] = [];
    alice.store.outbox.on('rejected', (event) => rejected.push(event));
    alice.store.create('items', note, { title: 'Seating' });
    alice.store.editText('items', note, 'notes', 'Table 1: Emma');
    alice.store.set('items', note, 'title', 'Seating plan');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'queue settled');

    expect(rejected).toEqual([]);
    const server = await world.serverRecords();
    expect(server.get(note)).toEqual({ v: 3, fields: { '1': 'Seating plan', '2': 'Table 1: Emma' } });
    expect(storeRecords(alice.store)).toEqual(server);
    // The create travelled alone; the edits after its confirmation, on its version, mids unchanged.
    expect(received.filter((m) => m.id === note)).toEqual([
      { mid: 1, id: note, base: 0 },
      { mid: 2, id: note, base: 1 },
      { mid: 3, id: note, base: 1 },
    ]);
  });

  it('R11.1 R11.2 a record created offline and edited offline survives a reload (create and edits in the queue) and replays in order', async () => {
    const note = world.rid('note');
    const local = new MapStorage();
    const first = await world.connect('alice', { queue: new LocalStorageQueueStorage(local), online: false });
    first.store.create('items', note, { title: 'Menu' });
    first.store.editText('items', note, 'notes', 'Starter');
    first.store.editText('items', note, 'notes', 'Starter, soup');
    first.store.append('items', note, 'tags', 't1', 'food');
    await first.close(); // the page goes away while offline

    const reloaded = await world.connect('alice', { queue: new LocalStorageQueueStorage(local), online: false });
    expect(reloaded.store.outbox.entries().map((e) => [e.mutation.mid, e.mutation.base, e.state])).toEqual([
      [1, 0, 'queued'],
      [2, 0, 'queued'],
      [3, 0, 'queued'],
      [4, 0, 'queued'],
    ]);
    expect(reloaded.store.record('items', note)?.fields).toEqual({
      title: 'Menu',
      notes: 'Starter, soup',
      tags: [{ id: 't1', v: 'food' }],
    });
    const rejected: RejectedEvent[] = [];
    reloaded.store.outbox.on('rejected', (event) => rejected.push(event));
    await reloaded.channel.join();
    await settledWhen([reloaded.store], () => reloaded.store.outbox.entries().length === 0, 'queue drained');

    expect(rejected).toEqual([]);
    const server = await world.serverRecords();
    expect(server.get(note)).toEqual({
      v: 4,
      fields: { '1': 'Menu', '2': 'Starter, soup', '3': [{ id: 't1', v: 'food' }] },
    });
    expect(storeRecords(reloaded.store)).toEqual(server);
    expect(received.map((m) => m.mid)).toEqual([1, 2, 3, 4]);
    const history = (await world.storage.history('items', note, { limit: 10 })).sort((a, b) => a.v - b.v);
    expect(history.map((h) => h.fields['2'])).toEqual([undefined, 'Starter', 'Starter, soup', 'Starter, soup']);
  });
});
