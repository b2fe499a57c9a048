import type { ChangesPayload, Mutation, MutationResult, ResyncPayload } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

const DAY_MS = 86_400_000;

/** Commits `count` single-record mutations (ids `m{mid}`) in batches of 100; returns their seqs in order. */
async function writeMany(names: TestNames, client: SyncTestClient, count: number, firstMid = 1): Promise<number[]> {
  const seqs: number[] = [];
  for (let start = 0; start < count; start += 100) {
    const mutations: Mutation[] = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      mutations.push({
        mid: firstMid + i,
        c: 'items',
        id: names.rid(`m${firstMid + i}`),
        base: 0,
        ops: sets({ [F.title]: `item ${firstMid + i}` }),
      });
    }
    const reply = await client.mutate(names.topic, names.cid('w'), mutations);
    for (const result of reply.response.results)
      seqs.push((result as Extract<MutationResult, { status: 'applied' }>).seq);
  }
  return seqs;
}

describe('resuming a channel after a gap', () => {
  let storage: Storage;
  let node: SyncNode;
  let clockMs: number;
  let names: TestNames;
  let TOPIC: string;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    clockMs = Date.parse('2025-05-01T10:00:00Z');
    names = testNames();
    TOPIC = names.topic;
    node = await startSyncNode(storage, { nowMs: () => clockMs, retentionMs: 7 * DAY_MS, replayChunkSize: 500 });
  });
  afterEach(async () => {
    await node.close();
  });

  it('R11.2 a rejoin after 1,000 missed changes replays them in order, in chunks, then continues live', async () => {
    const writer = await node.connect('writer');
    await writer.join(TOPIC);
    const [lastSeen] = await writeMany(names, writer, 1);
    const missed = await writeMany(names, writer, 1_000, 2);
    const reader = await node.connect('reader');
    await reader.join(TOPIC, { since: lastSeen });
    await reader.waitForSeq(TOPIC, missed.at(-1)!);
    const replayFrames = reader.framesOf(TOPIC, 'sync_changes');
    expect(replayFrames.length).toBe(2);
    expect(replayFrames.every((frame) => (frame.payload as ChangesPayload).replay === true)).toBe(true);
    expect(reader.changes(TOPIC).map((change) => change.seq)).toEqual(missed);
    const [live] = await writeMany(names, writer, 1, 5_000);
    await reader.waitForSeq(TOPIC, live!);
    expect(reader.changes(TOPIC).at(-1)?.seq).toBe(live);
  });

  it('R11.2 nothing committed while the replay is read is lost or doubled', async () => {
    const writer = await node.connect('writer');
    await writer.join(TOPIC);
    const before = await writeMany(names, writer, 300);
    const since = before[49]!;
    const reader = await node.connect('reader');
    // Writes race with the join's replay; each write is acknowledged before the next.
    const during = writeMany(names, writer, 200, 1_000);
    await reader.join(TOPIC, { since });
    const racing = await during;
    await reader.waitForSeq(TOPIC, racing.at(-1)!);
    const expected = [...before.slice(50), ...racing];
    expect(reader.changes(TOPIC).map((change) => change.seq)).toEqual(expected);
  });

  it('R11.2 a gap older than the retained log gets RESYNC_REQUIRED with a snapshot current to a seq', async () => {
    const writer = await node.connect('writer');
    await writer.join(TOPIC);
    const old = await writeMany(names, writer, 5);
    clockMs += 8 * DAY_MS;
    const fresh = await writeMany(names, writer, 1, 100);
    expect(await node.sync.pruneLog()).toBeGreaterThan(0);
    const reader = await node.connect('reader');
    await reader.join(TOPIC, { since: old[0]! });
    const frame = await reader.waitFor((f) => f.event === 'sync_resync');
    const resync = frame.payload as ResyncPayload;
    expect(resync.reason).toBe('RESYNC_REQUIRED');
    expect(resync.seq).toBeGreaterThanOrEqual(fresh[0]!);
    expect(resync.records.map((record) => record.id).sort()).toEqual(
      ['m1', 'm100', 'm2', 'm3', 'm4', 'm5'].map(names.rid),
    );
    expect(resync.records.find((record) => record.id === names.rid('m1'))?.fields[F.title]).toBe('item 1');
    expect(reader.framesOf(TOPIC, 'sync_changes')).toEqual([]);
  });

  it('R11.2 a client ahead of the log (another database) is told to resync', async () => {
    const reader = await node.connect('reader');
    await reader.join(TOPIC, { since: 1_000_000 });
    const frame = await reader.waitFor((f) => f.event === 'sync_resync');
    expect((frame.payload as ResyncPayload).reason).toBe('RESYNC_REQUIRED');
  });

  it('R11.2 snapshot: true at join sends a snapshot (reason SNAPSHOT), then live changes after it', async () => {
    const writer = await node.connect('writer');
    await writer.join(TOPIC);
    await writeMany(names, writer, 3);
    const reader = await node.connect('reader');
    await reader.join(TOPIC, { snapshot: true });
    const frame = await reader.waitFor((f) => f.event === 'sync_resync');
    const snapshot = frame.payload as ResyncPayload;
    expect(snapshot.reason).toBe('SNAPSHOT');
    expect(snapshot.records).toHaveLength(3);
    const [next] = await writeMany(names, writer, 1, 50);
    await reader.waitForSeq(TOPIC, next!);
    expect(reader.changes(TOPIC).map((change) => change.seq)).toEqual([next]);
  });
});
