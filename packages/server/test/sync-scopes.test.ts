import type { Mutation, ResyncPayload } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

describe('channels carry the scopes the application maps them to', () => {
  let storage: Storage;
  let node: SyncNode;
  let names: TestNames;
  let carried: Map<string, string[]>;
  let listTopic: string;
  let weddingA: string;
  let weddingB: string;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    names = testNames();
    listTopic = `supplier:${names.rid('s1')}:clients`;
    weddingA = `wedding:${names.rid('a')}`;
    weddingB = `wedding:${names.rid('b')}`;
    carried = new Map([[listTopic, [weddingA]]]);
    node = await startSyncNode(storage, { hooks: { scopesForTopic: (topic) => carried.get(topic) ?? [topic] } });
  });
  afterEach(async () => {
    await node.close();
  });

  const write = (scope: string, id: string, mid: number, title: string) => {
    const mutation: Mutation = { mid, c: 'items', id: names.rid(id), base: 0, ops: sets({ [F.title]: title }) };
    return node.sync.commit({
      scope,
      clientId: names.cid('server'),
      actor: { userId: 'system', name: 'System' },
      mutations: [mutation],
    });
  };

  it('R14.2 a channel receives the changes of its scopes only', async () => {
    const supplier = await node.connect('supplier');
    await supplier.join(listTopic);
    await write(weddingB, 'b1', 1, 'not yours');
    const { changes } = await write(weddingA, 'a1', 2, 'yours');
    await supplier.waitForSeq(listTopic, changes[0]!.seq);
    expect(supplier.changes(listTopic).map((change) => change.id)).toEqual([names.rid('a1')]);
  });

  it('R2.2 when a channel gains a scope, members get a fresh snapshot and then its live changes', async () => {
    const supplier = await node.connect('supplier');
    await supplier.join(listTopic);
    await write(weddingA, 'a1', 1, 'old client');
    await write(weddingB, 'b1', 2, 'new client');
    carried.set(listTopic, [weddingA, weddingB]);
    await node.sync.refreshScopes();
    const frame = await supplier.waitFor((f) => f.event === 'sync_resync');
    const snapshot = frame.payload as ResyncPayload;
    expect(snapshot.reason).toBe('SNAPSHOT');
    expect(snapshot.records.map((record) => record.id).sort()).toEqual([names.rid('a1'), names.rid('b1')]);
    const { changes } = await write(weddingB, 'b2', 3, 'live');
    await supplier.waitForSeq(listTopic, changes[0]!.seq);
    expect(supplier.changes(listTopic).at(-1)?.id).toBe(names.rid('b2'));
  });
});
