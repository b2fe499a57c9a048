import { EVENTS } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PGLITE_START_TIMEOUT_MS, SyncWorld, settledWhen, storeRecords } from './store-sync-fixture.ts';

/** Prose of about `chars` characters with some non-ASCII text, so exactness covers UTF-8. */
function noteBody(chars: number, tag: string): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const line = `${tag} ${i}: the florist brings peonies 💐 at ${8 + (i % 10)}:00 — café «Lune» confirmed.`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

describe('R12.2 large notes through the real server, compressed on the wire', () => {
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

  it('R12.2 a 50 KB note body, then a 90 KB insert (over the 64 KiB frame limit plain), end exact in the other store', async () => {
    const r1 = world.rid('note');
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    const wire: string[] = [];
    bob.channel.on(EVENTS.changes, (payload) => wire.push(JSON.stringify(payload)));

    const body = noteBody(50_000, 'a');
    alice.store.create('items', r1, { title: 'Day plan', notes: body });
    await settledWhen(
      [bob.store],
      () => bob.store.record('items', r1)?.fields.notes === body,
      'bob has the 50 KB body',
    );

    const longer = `${body}\n${noteBody(90_000, 'b')}`;
    alice.store.editText('items', r1, 'notes', longer);
    await settledWhen([bob.store], () => bob.store.record('items', r1)?.v === 2, 'bob has version 2');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'alice settled');

    expect(bob.store.record('items', r1)?.fields).toEqual({ title: 'Day plan', notes: longer });
    expect(alice.store.outbox.progress()).toMatchObject({ failed: 0 });
    // What reached bob: both changes with the note compressed, far smaller than the text.
    expect(wire).toHaveLength(2);
    for (const frame of wire) expect(frame).toContain('"$gz"');
    expect(wire.reduce((sum, frame) => sum + frame.length, 0)).toBeLessThan((body.length + longer.length) / 2);
    const server = await world.serverRecords();
    expect(storeRecords(bob.store)).toEqual(server);
    expect(storeRecords(alice.store)).toEqual(server);
  });

  it('R12.2 a store joining later gets the large note in a compressed snapshot and ends with the exact text', async () => {
    const r1 = world.rid('note');
    const alice = await world.connect('alice');
    const body = noteBody(40_000, 'c');
    alice.store.create('items', r1, { notes: body, title: 'Seating' });
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'alice settled');

    const carol = await world.connect('carol', { online: false });
    const resyncs: string[] = [];
    carol.channel.on(EVENTS.resync, (payload) => resyncs.push(JSON.stringify(payload)));
    await carol.channel.join();
    await settledWhen(
      [carol.store],
      () => carol.store.record('items', r1)?.fields.notes === body,
      'carol has the body',
    );
    expect(carol.store.record('items', r1)?.fields).toEqual({ title: 'Seating', notes: body });
    expect(resyncs).toHaveLength(1);
    expect(resyncs[0]).toContain('"$gz"');
    expect(resyncs[0]!.length).toBeLessThan(body.length / 2);
  });
});
