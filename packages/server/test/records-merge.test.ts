import { applyTextOp } from '@wedsync/merge';
import type { MutationResult, ResyncPayload } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

describe('merging concurrent edits over the wire', () => {
  let storage: Storage;
  let node: SyncNode;
  let TOPIC: string;
  let rid: (name: string) => string;
  let cid: (name: string) => string;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  let alice: SyncTestClient;
  let bob: SyncTestClient;

  beforeEach(async () => {
    ({ topic: TOPIC, rid, cid } = testNames());
    node = await startSyncNode(storage);
    alice = await node.connect('alice', 'Alice');
    bob = await node.connect('bob', 'Bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    const created = await alice.mutate(TOPIC, cid('ca'), [
      {
        mid: 1,
        c: 'items',
        id: rid('r1'),
        base: 0,
        ops: [...sets({ [F.title]: 'T', [F.date]: '2025-06-01' }), { k: 'text', f: F.notes, op: ['hello world'] }],
      },
    ]);
    expect(created.response.results[0]).toMatchObject({ status: 'applied', v: 1 });
  });
  afterEach(async () => {
    await node.close();
  });

  it('R10.2 merges concurrent edits of different fields of one record', async () => {
    const [a, b] = await Promise.all([
      alice.mutate(TOPIC, cid('ca'), [
        { mid: 2, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'Alice title' }) },
      ]),
      bob.mutate(TOPIC, cid('cb'), [
        { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.date]: '2025-09-09' }) },
      ]),
    ]);
    expect(a.response.results[0]?.status).toBe('applied');
    expect(b.response.results[0]?.status).toBe('applied');
    expect((await storage.getRecord('items', rid('r1')))?.fields).toMatchObject({
      [F.title]: 'Alice title',
      [F.date]: '2025-09-09',
    });
  });

  it('R4.2 returns a manual-field conflict as data (base, mine, theirs, who, when) and applies nothing', async () => {
    const bobs = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.date]: '2025-07-01' }) },
    ]);
    expect(bobs.response.results[0]).toMatchObject({ status: 'applied', v: 2 });
    const alices = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 2, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.date]: '2025-08-01' }) },
    ]);
    const result = alices.response.results[0] as Extract<MutationResult, { status: 'conflict' }>;
    expect(result).toMatchObject({ mid: 2, status: 'conflict', v: 2 });
    expect(result.conflicts).toEqual([
      {
        f: F.date,
        base: '2025-06-01',
        mine: '2025-08-01',
        theirs: '2025-07-01',
        by: 'bob',
        at: expect.any(String),
        v: 2,
      },
    ]);
    expect((await storage.getRecord('items', rid('r1')))?.fields[F.date]).toBe('2025-07-01');
  });

  it('R4.2 concurrent text edits both survive, and every member converges on the same text', async () => {
    const reader = await node.connect('carol');
    await reader.join(TOPIC, { since: 0 });
    const replies = await Promise.all([
      alice.mutate(TOPIC, cid('ca'), [
        { mid: 2, c: 'items', id: rid('r1'), base: 1, ops: [{ k: 'text', f: F.notes, op: ['Dear '] }] },
      ]),
      bob.mutate(TOPIC, cid('cb'), [
        { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: [{ k: 'text', f: F.notes, op: [11, '!'] }] },
      ]),
    ]);
    expect((await storage.getRecord('items', rid('r1')))?.fields[F.notes]).toBe('Dear hello world!');
    const seqs = replies.map(
      (reply) => (reply.response.results[0] as Extract<MutationResult, { status: 'applied' }>).seq,
    );
    await reader.waitForSeq(TOPIC, Math.max(...seqs));
    // Delivered text ops apply in seq order on top of each other.
    const text = reader
      .changes(TOPIC)
      .flatMap((change) => change.ops)
      .filter((op) => op.k === 'text')
      .reduce((value, op) => applyTextOp(value, op.op), '');
    expect(text).toBe('Dear hello world!');
  });

  it('R4.2 concurrent list appends are both kept, in one order for everyone', async () => {
    await Promise.all([
      alice.mutate(TOPIC, cid('ca'), [
        { mid: 2, c: 'items', id: rid('r1'), base: 1, ops: [{ k: 'add', f: F.tags, id: 'ta', v: 'flowers' }] },
      ]),
      bob.mutate(TOPIC, cid('cb'), [
        { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: [{ k: 'add', f: F.tags, id: 'tb', v: 'music' }] },
      ]),
    ]);
    const stored = (await storage.getRecord('items', rid('r1')))?.fields[F.tags] as { id: string }[];
    expect(stored.map((item) => item.id).sort()).toEqual(['ta', 'tb']);
    const snapshot = await alice.request<ResyncPayload>(TOPIC, 'sync_snapshot', {});
    const seen = snapshot.response.records.find((record) => record.id === rid('r1'))?.fields[F.tags] as {
      id: string;
    }[];
    expect(seen.map((item) => item.id)).toEqual(stored.map((item) => item.id));
  });
});
