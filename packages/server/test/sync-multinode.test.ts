import type { LockStatePayload, MutationResult } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

const seqOf = (result: MutationResult | undefined) => (result as Extract<MutationResult, { status: 'applied' }>).seq;

describe('several nodes sharing one log', () => {
  let storage: Storage;
  const nodes: SyncNode[] = [];
  const hub = new InProcessBusHub();
  let TOPIC: string;
  let rid: (name: string) => string;
  let cid: (name: string) => string;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(() => {
    ({ topic: TOPIC, rid, cid } = testNames());
  });

  async function startNodes(pollIntervalMs = 60_000) {
    const busA = hub.createBus();
    const busB = hub.createBus();
    const a = await startSyncNode(storage, { bus: busA });
    const b = await startSyncNode(storage, { bus: busB, pollIntervalMs });
    nodes.push(a, b);
    return { a, b, busA, busB };
  }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close()));
    hub.detached.clear();
  });

  it('R3.1 a change committed on node A reaches a member connected to node B', async () => {
    const { a, b } = await startNodes();
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    const reply = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'from A' }) },
    ]);
    const seq = seqOf(reply.response.results[0]);
    await bob.waitForSeq(TOPIC, seq);
    expect(bob.changes(TOPIC)).toEqual([
      expect.objectContaining({ seq, id: rid('r1'), ops: [{ k: 'set', f: F.title, v: 'from A' }] }),
    ]);
  });

  it('R11.2 a commit hint lost while node B is cut off the bus is recovered from the log when the bus returns', async () => {
    const { a, b, busB } = await startNodes();
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    busB.setDetached(true);
    const first = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'lost hint' }) },
    ]);
    const second = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 2, c: 'items', id: rid('r2'), base: 0, ops: sets({ [F.title]: 'lost too' }) },
    ]);
    expect(b.sync.deliveredSeq).toBeLessThan(seqOf(first.response.results[0]));
    busB.setDetached(false);
    await bob.waitForSeq(TOPIC, seqOf(second.response.results[0]));
    expect(bob.changes(TOPIC).map((change) => change.id)).toEqual([rid('r1'), rid('r2')]);
  });

  it('R11.2 a node that sees a gap in seq (one hint silently lost) reads the missing change from the log', async () => {
    const { a, b, busB } = await startNodes();
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    // Drop node B's messages without any status event: only the next hint's seq reveals the gap.
    hub.detached.add(busB.nodeId);
    await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'dropped' }) },
    ]);
    hub.detached.delete(busB.nodeId);
    const second = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 2, c: 'items', id: rid('r2'), base: 0, ops: sets({ [F.title]: 'carried' }) },
    ]);
    await bob.waitForSeq(TOPIC, seqOf(second.response.results[0]));
    expect(bob.changes(TOPIC).map((change) => change.id)).toEqual([rid('r1'), rid('r2')]);
  });

  it('R11.2 with the bus still down, the safety poll delivers the change', async () => {
    const { a, b, busB } = await startNodes(30);
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    busB.setDetached(true);
    const reply = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'polled' }) },
    ]);
    await bob.waitForSeq(TOPIC, seqOf(reply.response.results[0]));
    expect(bob.changes(TOPIC)).toHaveLength(1);
  });

  it('R4.1 lock_state reaches members on other nodes, and the lock is enforced there', async () => {
    const { a, b } = await startNodes();
    const alice = await a.connect('alice', 'Alice');
    const bob = await b.connect('bob', 'Bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'x' }) },
    ]);
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1'), f: F.title });
    const notice = await bob.waitFor((frame) => frame.event === 'lock_state');
    expect((notice.payload as LockStatePayload).holder).toEqual({ userId: 'alice', name: 'Alice' });
    const blocked = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'y' }) },
    ]);
    expect(blocked.response.results[0]).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED' });
  });
});
