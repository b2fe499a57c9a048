import type { Mutation } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

describe('bulk changes and per-audience projection', () => {
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
  let projections: number;

  beforeEach(async () => {
    projections = 0;
    ({ topic: TOPIC, rid, cid } = testNames());
    node = await startSyncNode(storage, {
      hooks: {
        // Two audiences: the "venue" team may not see the guest count.
        audienceKey: (session) => (session.user.id.startsWith('venue') ? 'venue' : 'full'),
        projectChange: (change, session) => {
          projections++;
          if (!session.user.id.startsWith('venue')) return change;
          return { ...change, ops: change.ops.filter((op) => op.f !== F.count) };
        },
      },
    });
  });
  afterEach(async () => {
    await node.close();
  });

  it('R12.2 a bulk change of 1,000 records reaches each subscriber as one frame, projected once per audience', async () => {
    const subscribers: SyncTestClient[] = [];
    for (const userId of ['planner-1', 'planner-2', 'planner-3', 'venue-1', 'venue-2', 'venue-3']) {
      const client = await node.connect(userId);
      await client.join(TOPIC);
      subscribers.push(client);
    }
    const mutations: Mutation[] = Array.from({ length: 1_000 }, (_, i) => ({
      mid: i + 1,
      c: 'items',
      id: rid(`guest-${i}`),
      base: 0,
      ops: sets({ [F.title]: `Guest ${i}`, [F.count]: i }),
    }));
    const { changes } = await node.sync.commit({
      scope: TOPIC,
      clientId: cid('import'),
      actor: { userId: 'importer', name: 'Import' },
      mutations,
    });
    expect(changes).toHaveLength(1_000);
    const last = changes.at(-1)!.seq;
    await Promise.all(subscribers.map((client) => client.waitForSeq(TOPIC, last)));
    for (const client of subscribers) {
      expect(client.framesOf(TOPIC, 'sync_changes').length).toBeLessThanOrEqual(2);
      expect(client.changes(TOPIC)).toHaveLength(1_000);
    }
    const venueOps = subscribers[3]!.changes(TOPIC).flatMap((change) => change.ops);
    expect(venueOps.some((op) => op.f === F.count)).toBe(false);
    expect(subscribers[0]!.changes(TOPIC)[5]?.ops).toContainEqual({ k: 'set', f: F.count, v: 5 });
    // Once per change per audience (2), not per socket (6).
    expect(projections).toBe(2 * 1_000);
  });

  it('R12.2 only changed fields travel, by numeric field id', async () => {
    const writer = await node.connect('planner-1');
    await writer.join(TOPIC);
    await writer.mutate(TOPIC, cid('c'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'A', [F.count]: 1 }) },
    ]);
    const reply = await writer.mutate(TOPIC, cid('c'), [
      { mid: 2, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.count]: 2 }) },
    ]);
    const seq = (reply.response.results[0] as { seq: number }).seq;
    await writer.waitForSeq(TOPIC, seq);
    expect(writer.changes(TOPIC).find((change) => change.seq === seq)?.ops).toEqual([{ k: 'set', f: F.count, v: 2 }]);
  });
});
