import type { LockStatePayload, MutationResult } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { type ReceivedFrame, type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

const seqOf = (result: MutationResult | undefined) => (result as Extract<MutationResult, { status: 'applied' }>).seq;
const lockOf = (frame: ReceivedFrame) => frame.payload as LockStatePayload;
const held = (frame: ReceivedFrame) => frame.event === 'lock_state' && lockOf(frame).holder !== null;
const freed = (frame: ReceivedFrame) => frame.event === 'lock_state' && lockOf(frame).holder === null;

/**
 * A node shares its read of a scope's locks between the members that join its channels (issue 9); a
 * lock taken or freed afterwards, on this node or another, must still be what a later joiner is told (R4.1).
 */
describe('the locks told to a joining member after a lock changed', () => {
  let storage: Storage;
  let names: TestNames;
  let a: SyncNode;
  let b: SyncNode;
  let clockMs: number;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    names = testNames();
    // A still clock, so only a lock change (never the read's age) can make the node read again.
    clockMs = Date.parse('2025-05-01T10:00:00Z');
    const hub = new InProcessBusHub();
    a = await startSyncNode(storage, { bus: hub.createBus(), nowMs: () => clockMs });
    b = await startSyncNode(storage, { bus: hub.createBus(), nowMs: () => clockMs });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  /** A member of the channel on `at` that writes and locks. */
  async function writerOn(at: SyncNode, userId: string): Promise<SyncTestClient> {
    const writer = await at.connect(userId, userId);
    await writer.join(names.topic);
    return writer;
  }

  /** Writes record `r{mid}` (the locks are on `r1`). */
  async function write(client: SyncTestClient, mid: number): Promise<number> {
    const reply = await client.mutate(names.topic, names.cid(`w-${mid}`), [
      { mid, c: 'items', id: names.rid(`r${mid}`), base: 0, ops: sets({ [F.title]: `v${mid}` }) },
    ]);
    return seqOf(reply.response.results[0]);
  }

  /** A member joining node A; resolves once its join (locks told, resume done) is complete. */
  async function joinA(userId: string, writer: SyncTestClient, mid: number): Promise<SyncTestClient> {
    const member = await a.connect(userId);
    await member.join(names.topic);
    // Live changes reach a joining member only after its locks were pushed and its resume finished.
    const seq = await write(writer, mid);
    await member.waitForSeq(names.topic, seq);
    return member;
  }

  const lockRequest = (action: 'acquire' | 'release') => ({ action, c: 'items', id: names.rid('r1'), f: F.title });

  it('R4.1 issue 9 a lock taken on another node after the locks were read reaches a later joiner', async () => {
    const onA = await writerOn(a, 'alice');
    await write(onA, 1);
    const early = await joinA('early', onA, 2);
    expect(early.frames.filter(held)).toEqual([]);
    const onB = await writerOn(b, 'bob');
    expect((await onB.request(names.topic, 'lock', lockRequest('acquire'))).status).toBe('ok');
    await early.waitFor(held);
    const late = await joinA('late', onA, 3);
    expect(late.frames.filter(held).map((frame) => lockOf(frame).holder?.userId)).toEqual(['bob']);
  });

  it('R4.1 issue 9 a lock freed on another node after the locks were read is not told to a later joiner', async () => {
    const onA = await writerOn(a, 'alice');
    await write(onA, 1);
    const onB = await writerOn(b, 'bob');
    expect((await onB.request(names.topic, 'lock', lockRequest('acquire'))).status).toBe('ok');
    const early = await joinA('early', onA, 2);
    expect(early.frames.filter(held).map((frame) => lockOf(frame).holder?.userId)).toEqual(['bob']);
    expect((await onB.request(names.topic, 'lock', lockRequest('release'))).status).toBe('ok');
    await early.waitFor(freed);
    const late = await joinA('late', onA, 3);
    expect(late.frames.filter(held)).toEqual([]);
  });

  it('R4.1 issue 9 a lock taken on this node after the locks were read reaches a later joiner', async () => {
    const onA = await writerOn(a, 'alice');
    await write(onA, 1);
    await joinA('early', onA, 2);
    expect((await onA.request(names.topic, 'lock', lockRequest('acquire'))).status).toBe('ok');
    const late = await joinA('late', onA, 3);
    expect(late.frames.filter(held).map((frame) => lockOf(frame).holder?.userId)).toEqual(['alice']);
  });
});
