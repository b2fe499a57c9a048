import type { MutationResult, ResyncPayload } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

const DAY_MS = 86_400_000;

const seqOf = (result: MutationResult | undefined) => (result as Extract<MutationResult, { status: 'applied' }>).seq;

async function write(names: TestNames, client: SyncTestClient, mid: number, topic = names.topic): Promise<number> {
  const reply = await client.mutate(topic, names.cid(`w-${topic}`), [
    { mid, c: 'items', id: names.rid(`r${mid}`), base: 0, ops: sets({ [F.title]: `item ${mid}` }) },
  ]);
  return seqOf(reply.response.results[0]);
}

/**
 * A node keeps the oldest retained seq it has seen (issue 9); another node's prune makes that stale.
 * A resume from a pruned seq must still get RESYNC_REQUIRED, never a replay with a hole (R11.2).
 */
describe('resuming on a node after another node pruned the log', () => {
  let storage: Storage;
  let clockMs: number;
  let nextTestMs = Date.parse('2025-05-01T10:00:00Z');
  let names: TestNames;
  let resuming: SyncNode;
  let pruning: SyncNode;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    // Each test writes well after everything earlier tests wrote, so its prune reaches its own changes.
    clockMs = nextTestMs;
    nextTestMs += 30 * DAY_MS;
    names = testNames();
    const options = { nowMs: () => clockMs, retentionMs: 7 * DAY_MS };
    resuming = await startSyncNode(storage, options);
    pruning = await startSyncNode(storage, options);
  });
  afterEach(async () => {
    await Promise.all([resuming.close(), pruning.close()]);
  });

  /** Old changes on the topic, and a resume on `resuming` that makes it read the oldest retained seq. */
  async function oldChanges(): Promise<{ writer: SyncTestClient; old: number[] }> {
    const writer = await resuming.connect('writer');
    await writer.join(names.topic);
    const old = [await write(names, writer, 1), await write(names, writer, 2), await write(names, writer, 3)];
    const warm = await resuming.connect('warm');
    await warm.join(names.topic, { since: old[1]! });
    await warm.waitForSeq(names.topic, old[2]!);
    return { writer, old };
  }

  async function expectResync(since: number): Promise<void> {
    const reader = await resuming.connect('reader');
    await reader.join(names.topic, { since });
    const frame = await reader.waitFor((f) => f.event === 'sync_resync');
    expect((frame.payload as ResyncPayload).reason).toBe('RESYNC_REQUIRED');
    expect((frame.payload as ResyncPayload).records.map((record) => record.id).sort()).toContain(names.rid('r1'));
    expect(reader.framesOf(names.topic, 'sync_changes')).toEqual([]);
  }

  it('R11.2 issue 9 a gap pruned elsewhere, with later changes in the log, gets RESYNC_REQUIRED', async () => {
    const { writer, old } = await oldChanges();
    clockMs += 8 * DAY_MS;
    await write(names, writer, 4);
    expect(await pruning.sync.pruneLog()).toBeGreaterThan(0);
    await expectResync(old[0]!);
  });

  it('R11.2 issue 9 a gap pruned elsewhere with nothing of the channel left after it gets RESYNC_REQUIRED', async () => {
    const { old } = await oldChanges();
    clockMs += 8 * DAY_MS;
    expect(await pruning.sync.pruneLog()).toBeGreaterThan(0);
    await expectResync(old[0]!);
  });

  it('R11.2 issue 9 a resume from a seq still retained replays after another node pruned older changes', async () => {
    const { writer } = await oldChanges();
    clockMs += 8 * DAY_MS;
    const since = await write(names, writer, 4);
    expect(await pruning.sync.pruneLog()).toBeGreaterThan(0);
    const fresh = await write(names, writer, 5);
    const reader = await resuming.connect('reader');
    await reader.join(names.topic, { since });
    await reader.waitForSeq(names.topic, fresh);
    expect(reader.changes(names.topic).map((change) => change.seq)).toEqual([fresh]);
    expect(reader.framesOf(names.topic, 'sync_resync')).toEqual([]);
  });
});
