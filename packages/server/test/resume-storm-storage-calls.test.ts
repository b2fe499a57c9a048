import type { LockStatePayload, MutationResult } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { type CountingStorage, countingStorage } from './fixtures/counting-storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

/** Clients rejoining one room at once, as after a network blip (issue 9). */
const MEMBERS = 12;

const seqOf = (result: MutationResult | undefined) => (result as Extract<MutationResult, { status: 'applied' }>).seq;

async function write(names: TestNames, client: SyncTestClient, mid: number): Promise<number> {
  const reply = await client.mutate(names.topic, names.cid('w'), [
    { mid, c: 'items', id: names.rid(`r${mid}`), base: 0, ops: sets({ [F.title]: `item ${mid}` }) },
  ]);
  return seqOf(reply.response.results[0]);
}

/** Resolves once the node has handled the disconnect of `count` more sessions. */
function disconnects(node: SyncNode, count: number): Promise<void> {
  return new Promise((resolve) => {
    let left = count;
    const stop = node.server.onDisconnect(() => {
      if (--left > 0) return;
      stop();
      resolve();
    });
  });
}

describe('storage round trips of a reconnect storm (issue 9)', () => {
  let inner: Storage;
  let counting: CountingStorage;
  let node: SyncNode;
  let names: TestNames;
  let writer: SyncTestClient;

  beforeAll(async () => {
    inner = await memoryStorage();
  });
  afterAll(async () => {
    await inner.close();
  });
  beforeEach(async () => {
    names = testNames();
    counting = countingStorage(inner);
    // A still clock: reads are shared however slowly a loaded machine runs the test.
    const clockMs = Date.parse('2025-05-01T10:00:00Z');
    node = await startSyncNode(counting.storage, { nowMs: () => clockMs });
    writer = await node.connect('writer', 'Writer');
    await writer.join(names.topic);
  });
  afterEach(async () => {
    await node.close();
  });

  it('issue 9 members of a room resuming from the same seq at once share one log read and ask nothing about the head', async () => {
    const lastSeen = await write(names, writer, 1);
    const missed = [await write(names, writer, 2), await write(names, writer, 3), await write(names, writer, 4)];
    // A resume from another seq first, so the node knows the oldest retained seq already.
    const early = await node.connect('early');
    await early.join(names.topic, { since: missed[0]! });
    await early.waitForSeq(names.topic, missed.at(-1)!);
    const members = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => node.connect(`member-${i}`)));
    counting.reset();
    await Promise.all(members.map((member) => member.join(names.topic, { since: lastSeen })));
    await Promise.all(members.map((member) => member.waitForSeq(names.topic, missed.at(-1)!)));
    for (const member of members) expect(member.changes(names.topic).map((change) => change.seq)).toEqual(missed);
    expect(counting.count('changesSince')).toBe(1);
    expect(counting.count('headSeq')).toBe(0);
    // The shared read is confirmed against the oldest retained seq once, not once per member.
    expect(counting.count('oldestRetainedSeq')).toBe(1);
  });

  it('issue 9 a member resuming after a change was delivered does not share a read made before it (R11.2)', async () => {
    const lastSeen = await write(names, writer, 1);
    const first = await node.connect('first');
    await first.join(names.topic, { since: lastSeen });
    const later = await write(names, writer, 2);
    await first.waitForSeq(names.topic, later);
    const second = await node.connect('second');
    counting.reset();
    await second.join(names.topic, { since: lastSeen });
    await second.waitForSeq(names.topic, later);
    expect(second.changes(names.topic).map((change) => change.seq)).toEqual([later]);
    expect(counting.count('changesSince')).toBe(1);
  });

  it('issue 9 members joining a room share one read of its locks, and each is told the live lock', async () => {
    await write(names, writer, 1);
    const lock = await writer.request<LockStatePayload>(names.topic, 'lock', {
      action: 'acquire',
      c: 'items',
      id: names.rid('r1'),
      f: F.title,
    });
    expect(lock.status).toBe('ok');
    const members = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => node.connect(`member-${i}`)));
    counting.reset();
    // Half join while the first read is in flight (a join's listener reaches the read within the turn its
    // reply is sent), half after it completed.
    const release = counting.hold('locksIn');
    const half = MEMBERS / 2;
    await Promise.all(members.slice(0, half).map((member) => member.join(names.topic)));
    release();
    await members[0]!.waitFor((frame) => frame.event === 'lock_state');
    await Promise.all(members.slice(half).map((member) => member.join(names.topic)));
    for (const member of members) {
      const notice = await member.waitFor((frame) => frame.event === 'lock_state');
      expect(notice.payload).toMatchObject({ id: names.rid('r1'), f: F.title, holder: { userId: 'writer' } });
    }
    expect(counting.count('locksIn')).toBe(1);
  });

  it('issue 9 a session that never asked for a lock frees none on disconnect; one that took a lock has it freed', async () => {
    await write(names, writer, 1);
    const members = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => node.connect(`member-${i}`)));
    await Promise.all(members.map((member) => member.join(names.topic)));
    counting.reset();
    const gone = disconnects(node, MEMBERS);
    await Promise.all(members.map((member) => member.close()));
    await gone;
    expect(counting.count('releaseLocksOfSession')).toBe(0);

    const holder = await node.connect('holder', 'Holder');
    await holder.join(names.topic);
    const lock = await holder.request(names.topic, 'lock', { action: 'acquire', c: 'items', id: names.rid('r1') });
    expect(lock.status).toBe('ok');
    const holderGone = disconnects(node, 1);
    await holder.close();
    await holderGone;
    expect(counting.count('releaseLocksOfSession')).toBe(1);
    const freed = await writer.waitFor(
      (frame) => frame.event === 'lock_state' && (frame.payload as LockStatePayload).holder === null,
    );
    expect(freed.payload).toMatchObject({ id: names.rid('r1') });
  });
});
