import { randomBytes } from 'node:crypto';
import type { LockStatePayload, Mutation, MutationResult } from '@wedsync/protocol';
import { createPgSqlClient, createPostgresStorage } from '@wedsync/storage-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

// Runs only where DATABASE_URL is set: the test runner leaves this file out otherwise.
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('sync-postgres.test.ts needs DATABASE_URL');
const url: string = connectionString;

const schema = `t_sync_${randomBytes(6).toString('hex')}`;
const seqOf = (result: MutationResult | undefined) => (result as Extract<MutationResult, { status: 'applied' }>).seq;

/** Two nodes as two processes would be: each with its own connection pool, one bus between them. */
describe('record sync on PostgreSQL, two nodes with their own pools', () => {
  let storageA: Storage;
  let storageB: Storage;
  let a: SyncNode;
  let b: SyncNode;
  let names: TestNames;

  beforeAll(async () => {
    storageA = await createPostgresStorage({ connectionString: url, schema, poolSize: 6 });
    storageB = await createPostgresStorage({ connectionString: url, schema, poolSize: 6 });
  });
  afterAll(async () => {
    await Promise.all([storageA?.close(), storageB?.close()]);
    const sql = await createPgSqlClient({ connectionString: url });
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });
  beforeEach(async () => {
    names = testNames();
    const hub = new InProcessBusHub();
    a = await startSyncNode(storageA, { bus: hub.createBus() });
    b = await startSyncNode(storageB, { bus: hub.createBus() });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('R3.1 a mutation acked on node A (after commit) reaches a member on node B', async () => {
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    await alice.join(names.topic);
    await bob.join(names.topic);
    const reply = await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: names.rid('r1'), base: 0, ops: sets({ [F.title]: 'pg' }) },
    ]);
    const seq = seqOf(reply.response.results[0]);
    expect(await storageB.getRecord('items', names.rid('r1'))).toMatchObject({ v: 1, seq });
    await bob.waitForSeq(names.topic, seq);
    expect(bob.changes(names.topic).map((change) => change.seq)).toEqual([seq]);
  });

  it('R3 concurrent writers on both nodes: every member receives every change once, in seq order', async () => {
    const writers: SyncTestClient[] = [];
    for (const [node, userId] of [
      [a, 'w1'],
      [a, 'w2'],
      [b, 'w3'],
      [b, 'w4'],
    ] as const) {
      const client = await node.connect(userId);
      await client.join(names.topic);
      writers.push(client);
    }
    const readerA = await a.connect('reader-a');
    const readerB = await b.connect('reader-b');
    await readerA.join(names.topic);
    await readerB.join(names.topic);
    const seqs = (
      await Promise.all(
        writers.map(async (client, w) => {
          const mine: number[] = [];
          for (let round = 0; round < 10; round++) {
            const mutations: Mutation[] = Array.from({ length: 5 }, (_, i) => ({
              mid: round * 5 + i + 1,
              c: 'items',
              id: names.rid(`w${w}-${round}-${i}`),
              base: 0,
              ops: sets({ [F.count]: i }),
            }));
            const reply = await client.mutate(names.topic, names.cid(`w${w}`), mutations);
            mine.push(...reply.response.results.map(seqOf));
          }
          return mine;
        }),
      )
    )
      .flat()
      .sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(200);
    for (const reader of [readerA, readerB]) {
      await reader.waitForSeq(names.topic, seqs.at(-1)!);
      expect(reader.changes(names.topic).map((change) => change.seq)).toEqual(seqs);
    }
  });

  it('R4.1 a lock taken on node A is enforced on node B and announced there', async () => {
    const alice = await a.connect('alice', 'Alice');
    const bob = await b.connect('bob', 'Bob');
    await alice.join(names.topic);
    await bob.join(names.topic);
    await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: names.rid('r1'), base: 0, ops: sets({ [F.title]: 't' }) },
    ]);
    await alice.request(names.topic, 'lock', { action: 'acquire', c: 'items', id: names.rid('r1'), f: F.title });
    const notice = await bob.waitFor((frame) => frame.event === 'lock_state');
    expect((notice.payload as LockStatePayload).holder).toEqual({ userId: 'alice', name: 'Alice' });
    const blocked = await bob.mutate(names.topic, names.cid('b'), [
      { mid: 1, c: 'items', id: names.rid('r1'), base: 1, ops: sets({ [F.title]: 'no' }) },
    ]);
    expect(blocked.response.results[0]).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED' });
    await alice.close();
    await bob.waitFor((frame) => frame.event === 'lock_state' && (frame.payload as LockStatePayload).holder === null);
  });

  it('R11.2 a member rejoining node B replays what it missed from the shared log', async () => {
    const alice = await a.connect('alice');
    await alice.join(names.topic);
    const first = await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: names.rid('r1'), base: 0, ops: sets({ [F.title]: '1' }) },
    ]);
    const since = seqOf(first.response.results[0]);
    const missed: number[] = [];
    for (let mid = 2; mid <= 6; mid++) {
      const reply = await alice.mutate(names.topic, names.cid('a'), [
        { mid, c: 'items', id: names.rid(`r${mid}`), base: 0, ops: sets({ [F.title]: String(mid) }) },
      ]);
      missed.push(seqOf(reply.response.results[0]));
    }
    const bob = await b.connect('bob');
    await bob.join(names.topic, { since });
    await bob.waitForSeq(names.topic, missed.at(-1)!);
    expect(bob.changes(names.topic).map((change) => change.seq)).toEqual(missed);
  });
});
