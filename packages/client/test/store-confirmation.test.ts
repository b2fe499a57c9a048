import type { Change, CollectionSchema, MutateReply } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import { RecordStore } from '../src/store/record-store.ts';
import type { RecordChangeInfo } from '../src/store/store-types.ts';

const TOPIC = 'wedding:w1';
const SCHEMAS: CollectionSchema[] = [
  { name: 'items', fields: { title: { id: 1, kind: 'lww' }, notes: { id: 2, kind: 'text' } } },
];

async function openStore() {
  const store = await RecordStore.open({
    storage: new MemoryQueueStorage(),
    schemas: SCHEMAS,
    defaultTopic: TOPIC,
    outbox: { generateClientId: () => 'me' },
  });
  const events: RecordChangeInfo[] = [];
  store.subscribe((changes) => events.push(...changes));
  return { store, events };
}

let seq = 0;
const ownEcho = (mid: number, v: number, ops: Change['ops']): Change => ({
  seq: ++seq,
  c: 'items',
  id: 'i1',
  v,
  ops,
  by: 'me',
  at: '2026-05-01T10:00:00.000Z',
  cid: 'me',
  mid,
});

/**
 * R11.2 / R3.3: the store announces the confirmation of a pending write even when the confirmed
 * value equals the one the view already showed, so "Saving…" marks and versions follow the store's
 * notices alone (the React hooks no longer watch the outbox for it).
 */
describe('RecordStore announces confirmations of its own writes (R11.2, R3.3)', () => {
  it('R11.2 a created record confirmed by its echo: one local notice with the version and the confirmed fields', async () => {
    const { store, events } = await openStore();
    const mid = store.create('items', 'i1', { title: 'Cake' });
    expect(events).toEqual([expect.objectContaining({ source: 'local', created: true })]);
    events.length = 0;
    store.applyChanges(TOPIC, { changes: [ownEcho(mid, 1, [{ k: 'set', f: 1, v: 'Cake' }])] });
    expect(store.record('items', 'i1')).toMatchObject({ v: 1, pendingFields: [] });
    expect(events).toEqual([
      {
        c: 'items',
        id: 'i1',
        source: 'local',
        by: 'me',
        at: '2026-05-01T10:00:00.000Z',
        v: 1,
        created: false,
        deleted: false,
        fields: [],
        confirmed: ['title'],
      },
    ]);
    await store.close();
  });

  it('R11.2 an acknowledged edit settled by a snapshot that covers it is announced with its version', async () => {
    const { store, events } = await openStore();
    store.applyChanges(TOPIC, { changes: [{ ...ownEcho(0, 1, [{ k: 'set', f: 1, v: 'Cake' }]), cid: 'bob' }] });
    store.set('items', 'i1', 'title', 'Cake tasting');
    store.outbox.setSender(TOPIC, {
      ready: () => true,
      send: async (payload): Promise<MutateReply> => ({
        results: payload.mutations.map((m) => ({ mid: m.mid, status: 'applied', v: 2, seq: 50 })),
      }),
    });
    await expect.poll(() => store.outbox.entries()[0]?.state).toBe('acked');
    events.length = 0;
    store.applyResync(TOPIC, {
      reason: 'RESYNC_REQUIRED',
      seq: 60,
      records: [{ c: 'items', id: 'i1', v: 2, fields: { '1': 'Cake tasting' } }],
    });
    expect(store.outbox.entries()).toEqual([]);
    expect(store.record('items', 'i1')).toMatchObject({ v: 2, fields: { title: 'Cake tasting' }, pendingFields: [] });
    expect(events).toEqual([expect.objectContaining({ v: 2, fields: [], confirmed: ['title'] })]);
    await store.close();
  });

  it('R11.2 an edit that shows no new value (same value set again) is announced as pending, then as confirmed', async () => {
    const { store, events } = await openStore();
    store.applyChanges(TOPIC, { changes: [{ ...ownEcho(0, 1, [{ k: 'set', f: 1, v: 'Cake' }]), cid: 'bob' }] });
    events.length = 0;
    const mid = store.set('items', 'i1', 'title', 'Cake')!;
    expect(store.record('items', 'i1')?.pendingFields).toEqual(['title']);
    expect(events).toEqual([expect.objectContaining({ source: 'local', fields: [] })]);
    store.applyChanges(TOPIC, { changes: [ownEcho(mid, 2, [{ k: 'set', f: 1, v: 'Cake' }])] });
    expect(events[1]).toMatchObject({ source: 'local', v: 2, fields: [], confirmed: ['title'] });
    await store.close();
  });

  it('R3.3 a remote change that changes no visible value still tells the new version', async () => {
    const { store, events } = await openStore();
    store.applyChanges(TOPIC, { changes: [{ ...ownEcho(0, 1, [{ k: 'set', f: 1, v: 'Cake' }]), cid: 'bob' }] });
    events.length = 0;
    store.applyChanges(TOPIC, {
      changes: [{ ...ownEcho(0, 2, [{ k: 'set', f: 1, v: 'Cake' }]), cid: 'bob', by: 'bob' }],
    });
    expect(events).toEqual([expect.objectContaining({ source: 'remote', by: 'bob', v: 2, fields: [] })]);
    expect(events[0]?.confirmed).toBeUndefined();
    await store.close();
  });
});
