import type { HistoryEntry } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

describe('version history and rollback', () => {
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
    node = await startSyncNode(storage, {
      hooks: {
        // Bob's audience may not see the guest count (field `count`).
        projectChange: (change, session) =>
          session.user.id === 'bob' ? { ...change, ops: change.ops.filter((op) => op.f !== F.count) } : change,
        projectRecord: (record, session) => {
          if (session.user.id !== 'bob') return record;
          const { [F.count]: _hidden, ...fields } = record.fields;
          return { ...record, fields };
        },
      },
    });
    alice = await node.connect('alice', 'Alice');
    bob = await node.connect('bob', 'Bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'First', [F.count]: 100 }) },
    ]);
    await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'Second' }) },
    ]);
  });
  afterEach(async () => {
    await node.close();
  });

  it('R4.2 history lists every version with who made it, newest first', async () => {
    const reply = await alice.request<{ entries: HistoryEntry[] }>(TOPIC, 'history', { c: 'items', id: rid('r1') });
    expect(reply.status).toBe('ok');
    expect(reply.response.entries.map((entry) => [entry.v, entry.by, entry.fields[F.title]])).toEqual([
      [2, 'bob', 'Second'],
      [1, 'alice', 'First'],
    ]);
  });

  it('R4.2 rollback restores a value as a new audited version, delivered to members like any change', async () => {
    const reply = await bob.request<{ v: number; seq: number }>(TOPIC, 'rollback', {
      c: 'items',
      id: rid('r1'),
      to: 1,
    });
    expect(reply).toMatchObject({ status: 'ok', response: { v: 3 } });
    expect((await storage.getRecord('items', rid('r1')))?.fields).toMatchObject({ [F.title]: 'First', [F.count]: 100 });
    await alice.waitForSeq(TOPIC, reply.response.seq);
    const rollbackChange = alice.changes(TOPIC).find((change) => change.seq === reply.response.seq);
    expect(rollbackChange).toMatchObject({ v: 3, by: 'bob' });
    const history = await alice.request<{ entries: HistoryEntry[] }>(TOPIC, 'history', { c: 'items', id: rid('r1') });
    expect(history.response.entries[0]).toMatchObject({
      v: 3,
      by: 'bob',
      rollbackOf: 1,
      fields: { [F.title]: 'First' },
    });
  });

  it('R14.2 history is projected: a field hidden from an audience is hidden in its history too', async () => {
    const reply = await bob.request<{ entries: HistoryEntry[] }>(TOPIC, 'history', { c: 'items', id: rid('r1') });
    for (const entry of reply.response.entries) {
      expect(entry.fields).not.toHaveProperty(String(F.count));
      expect(entry.ops.some((op) => op.f === F.count)).toBe(false);
    }
  });

  it('R15.1 unknown records and versions get clear errors', async () => {
    const missing = await alice.request<{ reason: string }>(TOPIC, 'history', { c: 'items', id: rid('nope') });
    expect(missing.response.reason).toMatch(/^RECORD_NOT_FOUND/);
    const badVersion = await alice.request<{ reason: string }>(TOPIC, 'rollback', {
      c: 'items',
      id: rid('r1'),
      to: 99,
    });
    expect(badVersion.response.reason).toMatch(/^VERSION_NOT_FOUND/);
    const elsewhere = await node.connect('carol');
    const otherTopic = `wedding:${rid('other')}`;
    await elsewhere.join(otherTopic);
    const hidden = await elsewhere.request<{ reason: string }>(otherTopic, 'history', { c: 'items', id: rid('r1') });
    expect(hidden.response.reason).toMatch(/^RECORD_NOT_FOUND/);
  });
});
