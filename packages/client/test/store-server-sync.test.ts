import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordChangeInfo } from '../src/store/store-types.ts';
import { PGLITE_START_TIMEOUT_MS, SyncWorld, settledWhen, storeRecords } from './store-sync-fixture.ts';

describe('RecordStore against the real server (R3.1, R4.2, R11.2)', () => {
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

  it('R3.1 an edit made in one store reaches the other with who and old → new; the author sees no echo', async () => {
    const r1 = world.rid('r1');
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    const aliceEvents: RecordChangeInfo[] = [];
    const bobEvents: RecordChangeInfo[] = [];
    alice.store.subscribe((changes) => aliceEvents.push(...changes));
    bob.store.subscribe((changes) => bobEvents.push(...changes));

    alice.store.create('items', r1, { title: 'Barn', notes: 'Hello' });
    alice.store.set('items', r1, 'title', 'Castle');
    await settledWhen([bob.store], () => bob.store.record('items', r1)?.fields.title === 'Castle', 'bob sees Castle');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'alice settled');

    expect(bob.store.record('items', r1)).toMatchObject({ v: 2, fields: { title: 'Castle', notes: 'Hello' } });
    expect(
      bobEvents.filter((e) => e.source === 'remote').map((e) => [e.by, e.fields.map((f) => [f.name, f.old, f.new])]),
    ).toEqual([
      [
        'alice',
        [
          ['title', undefined, 'Barn'],
          ['notes', undefined, 'Hello'],
        ],
      ],
      ['alice', [['title', 'Barn', 'Castle']]],
    ]);
    // The author's own changes came back as echoes: settled, never shown as someone else's edit.
    expect(aliceEvents.every((e) => e.source === 'local')).toBe(true);
    expect(alice.store.outbox.progress()).toMatchObject({ queued: 0, done: 2, failed: 0 });
    const server = await world.serverRecords();
    expect(storeRecords(alice.store)).toEqual(server);
    expect(storeRecords(bob.store)).toEqual(server);
  });

  it('R4.2 concurrent typing in one text and concurrent list appends both survive on every replica', async () => {
    const r1 = world.rid('r1');
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    alice.store.create('items', r1, { notes: 'Hello' });
    await settledWhen([bob.store], () => bob.store.record('items', r1) !== undefined, 'bob has r1');
    await bob.client.disconnect();
    alice.store.editText('items', r1, 'notes', 'Hello world');
    alice.store.append('items', r1, 'tags', 'a1', 'from alice');
    bob.store.editText('items', r1, 'notes', 'Oh, Hello');
    bob.store.append('items', r1, 'tags', 'b1', 'from bob');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'alice settled');
    bob.client.connect();
    await settledWhen(
      [alice.store, bob.store],
      () =>
        bob.store.outbox.entries().length === 0 &&
        alice.store.record('items', r1)?.fields.notes === bob.store.record('items', r1)?.fields.notes &&
        alice.store.record('items', r1)?.v === bob.store.record('items', r1)?.v,
      'both converge',
    );
    expect(bob.store.record('items', r1)?.fields).toEqual({
      notes: 'Oh, Hello world',
      tags: [
        { id: 'a1', v: 'from alice' },
        { id: 'b1', v: 'from bob' },
      ],
    });
    const server = await world.serverRecords();
    expect(storeRecords(alice.store)).toEqual(server);
    expect(storeRecords(bob.store)).toEqual(server);
  });

  it('R4.2 a manual field edited against a changed value comes back as a conflict; the view shows theirs', async () => {
    const r1 = world.rid('r1');
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    alice.store.create('items', r1, { date: '2026-06-01' });
    await settledWhen([bob.store], () => bob.store.record('items', r1) !== undefined, 'bob has r1');
    await bob.client.disconnect();
    alice.store.set('items', r1, 'date', '2026-07-01');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'alice settled');
    const conflicts: unknown[] = [];
    bob.store.outbox.on('conflict', (event) => conflicts.push(event));
    bob.store.set('items', r1, 'date', '2026-08-01');
    bob.client.connect();
    await settledWhen([bob.store], () => conflicts.length === 1 && bob.store.outbox.entries().length === 0, 'conflict');
    expect(conflicts[0]).toMatchObject({
      applied: false,
      conflicts: [{ f: 4, base: '2026-06-01', mine: '2026-08-01', theirs: '2026-07-01', by: 'alice', v: 2 }],
    });
    expect(bob.store.record('items', r1)?.fields.date).toBe('2026-07-01');
    expect(bob.store.outbox.progress().conflicts).toBe(1);
  });
});
