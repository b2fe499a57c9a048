import type { Change, Mutation, ResyncPayload } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordSyncHooks } from '../src/records/record-sync-hooks.ts';
import type { Storage, StoredChange } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

/**
 * A stand-in for an application's read model of rights (like the wedding Directory): it follows the
 * log on its own, and `catchUpTo` brings it up to a seq. Record `rights` of the channel scope holds,
 * in `title`, the user ids that may not see `count` (comma-separated).
 */
class RightsFollower {
  cursor = 0;
  hiddenCount = new Set<string>();
  constructor(
    private readonly storage: Storage,
    private readonly scope: string,
    private readonly rightsId: string,
  ) {}
  async catchUpTo(seq: number): Promise<void> {
    if (this.cursor >= seq) return;
    for (const change of await this.storage.changesSince([this.scope], this.cursor, 1_000)) {
      if (change.id === this.rightsId) {
        const title = change.ops.find((op) => op.f === F.title);
        if (title?.k === 'set') this.hiddenCount = new Set(String(title.v).split(',').filter(Boolean));
      }
      this.cursor = change.seq;
    }
  }
}

describe('R2.2 beforeDeliver: rights are current before a change is projected', () => {
  let storage: Storage;
  let node: SyncNode;
  let names: TestNames;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(() => {
    names = testNames();
  });
  afterEach(async () => {
    await node?.close();
  });

  const write = (mid: number, id: string, values: Record<number, unknown>, base = 0) => {
    const mutation: Mutation = { mid, c: 'items', id: names.rid(id), base, ops: sets(values) };
    return node.sync.commit({
      scope: names.topic,
      clientId: names.cid('app'),
      actor: { userId: 'couple', name: 'Couple' },
      mutations: [mutation],
    });
  };

  it('R14.2 a change committed right after a sharing change is never sent with the old sharing (fast path)', async () => {
    const rights = new RightsFollower(storage, names.topic, names.rid('rights'));
    const hooks: RecordSyncHooks = {
      beforeDeliver: (_changes, upToSeq) => rights.catchUpTo(upToSeq),
      projectChange(change, session) {
        if (!rights.hiddenCount.has(session.user.id)) return change;
        return { ...change, ops: change.ops.filter((op) => op.f !== F.count) };
      },
    };
    node = await startSyncNode(storage, { hooks });
    const feast = await node.connect('feast');
    await feast.join(names.topic);
    await write(1, 'wedding', { [F.count]: 120 });
    // Unshare, then at once change the value; no waiting in between.
    const unshare = write(2, 'rights', { [F.title]: 'feast' });
    const change = write(3, 'wedding', { [F.count]: 150 }, 1);
    const [, { changes }] = await Promise.all([unshare, change]);
    await feast.waitForSeq(names.topic, changes[0]!.seq);
    const frames = JSON.stringify(feast.frames);
    expect(frames).toContain('120');
    expect(frames).not.toContain('150');
  });

  it('R3.1 delivery waits for the hook and keeps seq order; the hook gets the batch and its last seq', async () => {
    const calls: { seqs: number[]; upToSeq: number }[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    node = await startSyncNode(storage, {
      hooks: {
        async beforeDeliver(changes: readonly StoredChange[], upToSeq: number) {
          calls.push({ seqs: changes.map((change) => change.seq), upToSeq });
          await gate;
        },
      },
    });
    const member = await node.connect('member');
    await member.join(names.topic);
    const first = await write(1, 'a', { [F.title]: 'one' });
    const second = await write(2, 'b', { [F.title]: 'two' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(member.changes(names.topic)).toEqual([]);
    expect(calls[0]).toEqual({ seqs: [first.changes[0]!.seq], upToSeq: first.changes[0]!.seq });
    release();
    await member.waitForSeq(names.topic, second.changes[0]!.seq);
    expect(member.changes(names.topic).map((c: Change) => c.seq)).toEqual([
      first.changes[0]!.seq,
      second.changes[0]!.seq,
    ]);
    expect(node.sync.deliveredSeq).toBeGreaterThanOrEqual(second.changes[0]!.seq);
  });

  it('R11.2 a failing hook holds the batch back; the next log read delivers it', async () => {
    let failures = 1;
    const errors: unknown[] = [];
    node = await startSyncNode(storage, {
      onError: (error) => errors.push(error),
      hooks: {
        async beforeDeliver() {
          if (failures-- > 0) throw new Error('read model unavailable');
        },
      },
    });
    const member = await node.connect('member');
    await member.join(names.topic);
    const { changes } = await write(1, 'a', { [F.title]: 'held' });
    await node.sync.catchUp();
    await member.waitForSeq(names.topic, changes[0]!.seq);
    expect(member.changes(names.topic).map((c: Change) => c.seq)).toEqual([changes[0]!.seq]);
    expect(String(errors[0])).toMatch(/read model unavailable/);
  });

  it('R11.2 replays and snapshots wait for the hook too (empty batch and the snapshot seq for a snapshot)', async () => {
    const calls: { seqs: number[]; upToSeq: number }[] = [];
    node = await startSyncNode(storage, {
      hooks: {
        async beforeDeliver(changes: readonly StoredChange[], upToSeq: number) {
          calls.push({ seqs: changes.map((change) => change.seq), upToSeq });
        },
      },
    });
    const head = await storage.headSeq();
    const { changes } = await write(1, 'a', { [F.title]: 'past' });
    const seq = changes[0]!.seq;
    calls.length = 0;
    const replaying = await node.connect('replaying');
    await replaying.join(names.topic, { since: head });
    await replaying.waitForSeq(names.topic, seq);
    expect(calls).toContainEqual({ seqs: [seq], upToSeq: seq });
    const snapshotting = await node.connect('snapshotting');
    await snapshotting.join(names.topic, { snapshot: true });
    const resync = await snapshotting.waitFor((frame) => frame.event === 'sync_resync');
    expect(calls).toContainEqual({ seqs: [], upToSeq: (resync.payload as ResyncPayload).seq });
  });
});

describe('R14.2 resendSnapshots: fresh projections when what an audience may see changed', () => {
  let storage: Storage;
  let node: SyncNode;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await node.close();
    await storage.close();
  });

  it('R14.2 only the chosen members get a snapshot, projected with the new rights', async () => {
    const names = testNames();
    const hidden = new Set<string>();
    node = await startSyncNode(storage, {
      hooks: {
        projectRecord(record, session) {
          if (!hidden.has(session.user.id)) return record;
          const { [String(F.count)]: _count, ...fields } = record.fields;
          return { ...record, fields };
        },
      },
    });
    const feast = await node.connect('feast');
    const couple = await node.connect('couple');
    await feast.join(names.topic);
    await couple.join(names.topic);
    await node.sync.commit({
      scope: names.topic,
      clientId: names.cid('app'),
      actor: { userId: 'couple', name: 'Couple' },
      mutations: [{ mid: 1, c: 'items', id: names.rid('w'), base: 0, ops: sets({ [F.count]: 120, [F.title]: 'W' }) }],
    });
    hidden.add('feast');
    await node.sync.resendSnapshots([names.topic, 'wedding:not-joined'], (session) => session.user.id === 'feast');
    const resync = await feast.waitFor((frame) => frame.event === 'sync_resync');
    expect((resync.payload as ResyncPayload).records).toEqual([
      { c: 'items', id: names.rid('w'), v: 1, fields: { [F.title]: 'W' } },
    ]);
    expect(couple.frames.some((frame) => frame.event === 'sync_resync')).toBe(false);
  });
});
