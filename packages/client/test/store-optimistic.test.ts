import type { Change, CollectionSchema, MutateReply, MutationResult } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import { RecordStore } from '../src/store/record-store.ts';
import type { RecordChangeInfo } from '../src/store/store-types.ts';

const TOPIC = 'wedding:w1';
const SCHEMAS: CollectionSchema[] = [
  {
    name: 'weddings',
    fields: {
      venue: { id: 1, kind: 'lww' },
      notes: { id: 2, kind: 'text' },
      guests: { id: 3, kind: 'list' },
      date: { id: 4, kind: 'manual' },
    },
  },
];

async function openStore(storage = new MemoryQueueStorage()) {
  return RecordStore.open({ storage, schemas: SCHEMAS, defaultTopic: TOPIC, outbox: { generateClientId: () => 'me' } });
}

let seq = 100;
function change(partial: Partial<Change> & Pick<Change, 'v' | 'ops'>): Change {
  return { seq: ++seq, c: 'weddings', id: 'w1', by: 'alice', at: '2026-05-01T10:00:00.000Z', ...partial };
}

describe('RecordStore: optimistic view and inbound changes (R3, R4.2, R11.2, R12.2)', () => {
  it('R12.2 edits by field name travel as field-id ops, and the view shows them at once', async () => {
    const store = await openStore();
    store.create('weddings', 'w1', { venue: 'Barn', notes: 'Hi', guests: [{ id: 'g1', v: 'Ann' }] });
    store.set('weddings', 'w1', 'venue', 'Castle');
    store.editText('weddings', 'w1', 'notes', 'Hi there');
    store.append('weddings', 'w1', 'guests', 'g2', 'Bob');
    expect(store.record('weddings', 'w1')).toMatchObject({
      v: 0,
      topic: TOPIC,
      fields: {
        venue: 'Castle',
        notes: 'Hi there',
        guests: [
          { id: 'g1', v: 'Ann' },
          { id: 'g2', v: 'Bob' },
        ],
      },
    });
    expect(store.record('weddings', 'w1')?.pendingFields.sort()).toEqual(['guests', 'notes', 'venue']);
    expect(store.outbox.entries().map((e) => e.mutation.ops)).toEqual([
      [
        { k: 'set', f: 1, v: 'Barn' },
        { k: 'text', f: 2, op: ['Hi'] },
        { k: 'add', f: 3, id: 'g1', v: 'Ann' },
      ],
      [{ k: 'set', f: 1, v: 'Castle' }],
      [{ k: 'text', f: 2, op: [2, ' there'] }],
      [{ k: 'add', f: 3, id: 'g2', v: 'Bob' }],
    ]);
    expect(store.editText('weddings', 'w1', 'notes', 'Hi there')).toBeNull();
    await store.close();
  });

  it('R12.2 refuses unknown collections, unknown fields and ops of the wrong kind with clear codes', async () => {
    const store = await openStore();
    expect(() => store.set('nope', 'x', 'venue', 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_COLLECTION' }));
    expect(() => store.set('weddings', 'x', 'nope', 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_FIELD' }));
    expect(() => store.set('weddings', 'x', 'guests', [])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => store.append('weddings', 'x', 'venue', 'i', 1)).toThrow(/does not fit lww/);
    expect(store.outbox.entries()).toEqual([]);
    await store.close();
  });

  it('R11.2 a replayed change (seq already seen) is not applied twice', async () => {
    const store = await openStore();
    const created = change({
      v: 1,
      ops: [
        { k: 'text', f: 2, op: ['Hello'] },
        { k: 'add', f: 3, id: 'g1', v: 'Ann' },
      ],
    });
    store.applyChanges(TOPIC, { changes: [created] });
    store.applyChanges(TOPIC, { changes: [created], replay: true });
    const appended = change({ v: 2, ops: [{ k: 'text', f: 2, op: [5, '!'] }] });
    store.applyChanges(TOPIC, { changes: [appended, created, appended] });
    expect(store.record('weddings', 'w1')?.fields).toEqual({ notes: 'Hello!', guests: [{ id: 'g1', v: 'Ann' }] });
    expect(store.record('weddings', 'w1')?.v).toBe(2);
    expect(store.lastSeq(TOPIC)).toBe(appended.seq);
    await store.close();
  });

  it('R11.2 recognises its own change by cid/mid: the pending mutation settles and nothing is applied twice or announced as remote', async () => {
    const store = await openStore();
    store.applyChanges(TOPIC, { changes: [change({ v: 1, ops: [{ k: 'text', f: 2, op: ['Hello'] }] })] });
    const mid = store.editText('weddings', 'w1', 'notes', 'Hello world')!;
    const events: RecordChangeInfo[] = [];
    store.subscribe((changes) => events.push(...changes));
    store.applyChanges(TOPIC, {
      changes: [change({ v: 2, ops: [{ k: 'text', f: 2, op: [5, ' world'] }], cid: 'me', mid, by: 'me' })],
    });
    expect(store.outbox.entries()).toEqual([]);
    expect(store.record('weddings', 'w1')).toMatchObject({ v: 2, fields: { notes: 'Hello world' }, pendingFields: [] });
    // Announced as a confirmation of this client's edit: no value changed, never as someone else's edit.
    expect(events).toEqual([expect.objectContaining({ source: 'local', v: 2, fields: [], confirmed: ['notes'] })]);
    await store.close();
  });

  it('R4.2 rebases pending text over a concurrent remote edit so both survive', async () => {
    const store = await openStore();
    store.applyChanges(TOPIC, { changes: [change({ v: 1, ops: [{ k: 'text', f: 2, op: ['Hello'] }] })] });
    const mid = store.editText('weddings', 'w1', 'notes', 'Hello world')!;
    const events: RecordChangeInfo[] = [];
    store.subscribe((changes) => events.push(...changes));
    store.applyChanges(TOPIC, { changes: [change({ v: 2, ops: [{ k: 'text', f: 2, op: ['Oh, '] }], by: 'bob' })] });
    expect(store.record('weddings', 'w1')?.fields.notes).toBe('Oh, Hello world');
    expect(store.outbox.entries()[0]?.mutation).toMatchObject({
      mid,
      base: 2,
      ops: [{ k: 'text', f: 2, op: [9, ' world'] }],
    });
    expect(events).toEqual([
      expect.objectContaining({
        source: 'remote',
        by: 'bob',
        v: 2,
        fields: [{ name: 'notes', f: 2, old: 'Hello world', new: 'Oh, Hello world' }],
      }),
    ]);
    await store.close();
  });

  it('R3.3 tells subscribers which fields changed, by whom, old → new', async () => {
    const store = await openStore();
    store.applyChanges(TOPIC, { changes: [change({ v: 1, ops: [{ k: 'set', f: 1, v: 'Barn' }] })] });
    const events: RecordChangeInfo[][] = [];
    store.subscribe((changes) => events.push(changes));
    store.applyChanges(TOPIC, {
      changes: [change({ v: 2, ops: [{ k: 'set', f: 1, v: 'Castle' }], by: 'james', at: '2026-05-02T09:00:00.000Z' })],
    });
    store.set('weddings', 'w1', 'venue', 'Beach');
    expect(events).toEqual([
      [
        {
          c: 'weddings',
          id: 'w1',
          source: 'remote',
          by: 'james',
          at: '2026-05-02T09:00:00.000Z',
          v: 2,
          created: false,
          deleted: false,
          fields: [{ name: 'venue', f: 1, old: 'Barn', new: 'Castle' }],
        },
      ],
      [
        {
          c: 'weddings',
          id: 'w1',
          source: 'local',
          created: false,
          deleted: false,
          fields: [{ name: 'venue', f: 1, old: 'Castle', new: 'Beach' }],
        },
      ],
    ]);
    await store.close();
  });

  it('R11.2 a resync replaces confirmed state, keeps pending edits and rebases them', async () => {
    const store = await openStore();
    store.applyChanges(TOPIC, {
      changes: [
        change({ v: 1, ops: [{ k: 'text', f: 2, op: ['Hello'] }] }),
        change({ id: 'old', v: 1, ops: [{ k: 'set', f: 1, v: 'gone soon' }] }),
      ],
    });
    store.editText('weddings', 'w1', 'notes', 'Hello world');
    const events: RecordChangeInfo[] = [];
    store.subscribe((changes) => events.push(...changes));
    store.applyResync(TOPIC, {
      reason: 'RESYNC_REQUIRED',
      seq: 500,
      records: [{ c: 'weddings', id: 'w1', v: 7, fields: { '1': 'Hall', '2': 'Dear Hello' } }],
    });
    expect(store.lastSeq(TOPIC)).toBe(500);
    expect(store.joinConfig(TOPIC)).toEqual({ since: 500 });
    expect(store.record('weddings', 'old')).toBeUndefined();
    expect(store.record('weddings', 'w1')).toMatchObject({
      v: 7,
      fields: { venue: 'Hall', notes: 'Dear Hello world' },
    });
    expect(store.outbox.entries()[0]?.mutation.base).toBe(7);
    expect(events.map((e) => [e.id, e.source, e.deleted])).toEqual([
      ['w1', 'resync', false],
      ['old', 'resync', true],
    ]);
    await store.close();
  });

  it('R11.2 asks for a snapshot on first join and resumes after lastSeq later', async () => {
    const store = await openStore();
    expect(store.joinConfig(TOPIC)).toEqual({ snapshot: true });
    store.applyChanges(TOPIC, { changes: [change({ v: 1, ops: [{ k: 'set', f: 1, v: 'Barn' }] })] });
    expect(store.joinConfig(TOPIC)).toEqual({ since: seq });
    await store.close();
  });

  it('R11.2 a refused edit is undone and reported, and later typing in that text survives', async () => {
    const store = await openStore();
    store.applyChanges(TOPIC, { changes: [change({ v: 1, ops: [{ k: 'text', f: 2, op: ['abc'] }] })] });
    const refused = store.editText('weddings', 'w1', 'notes', 'abcXYZ')!;
    store.editText('weddings', 'w1', 'notes', 'abcXYZ!');
    const events: RecordChangeInfo[] = [];
    store.subscribe((changes) => events.push(...changes));
    const rejections: string[] = [];
    store.outbox.on('rejected', (event) => rejections.push(`${event.mutation.mid}:${event.code}`));
    const sent: number[][] = [];
    store.outbox.setSender(TOPIC, {
      ready: () => true,
      send: async (payload): Promise<MutateReply> => {
        sent.push(payload.mutations.map((m) => m.mid));
        return {
          results: payload.mutations.map(
            (m): MutationResult => ({
              mid: m.mid,
              status: 'rejected',
              code: 'FIELD_LOCKED',
              message: 'Bob is editing',
            }),
          ),
        };
      },
    });
    await expect.poll(() => rejections.length).toBe(2);
    expect(sent).toEqual([[refused], [refused + 1]]);
    expect(store.record('weddings', 'w1')?.fields.notes).toBe('abc');
    expect(events.map((e) => [e.source, e.fields.map((f) => `${f.old}→${f.new}`)])).toEqual([
      ['undo', ['abcXYZ!→abc!']],
      ['undo', ['abc!→abc']],
    ]);
    await store.close();
  });
});
