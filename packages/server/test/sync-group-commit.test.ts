import type { Mutation, MutationResult } from '@wedsync/protocol';
import { createPgliteSqlClient, createSqlStorage, type SqlClient, type SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

const WRITERS = 8;

type Applied = Extract<MutationResult, { status: 'applied' }>;

/**
 * A PGlite storage whose transactions can be held until a given number of `commit` calls have
 * reached it, so the test knows which batches wait together (group commit, DESIGN §7).
 */
async function gatedStorage() {
  const inner = await createPgliteSqlClient();
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  let transactions = 0;
  const sql: SqlClient = {
    query: (text, params) => inner.query(text, params),
    exec: (script) => inner.exec(script),
    async transaction(fn) {
      transactions++;
      await gate;
      return inner.transaction(fn);
    },
    close: () => inner.close(),
  };
  const sqlStorage: SqlStorage = createSqlStorage(sql);
  await sqlStorage.migrate();
  let commits = 0;
  let openAt = Number.POSITIVE_INFINITY;
  const storage: Storage = {
    ...sqlStorage,
    commit(request) {
      if (++commits >= openAt) open();
      return sqlStorage.commit(request);
    },
  };
  return {
    storage,
    sql: sqlStorage.sql,
    /** Holds transactions until `count` more commits have arrived; returns the transactions counter. */
    holdUntilCommits(count: number) {
      openAt = commits + count;
      gate = new Promise((resolve) => {
        open = () => {
          gate = undefined;
          resolve();
        };
      });
      transactions = 0;
    },
    transactions: () => transactions,
  };
}

describe('group commit over the wire (DESIGN §7)', () => {
  let gated: Awaited<ReturnType<typeof gatedStorage>>;
  let node: SyncNode;
  let reported: string[];

  beforeAll(async () => {
    gated = await gatedStorage();
  });
  afterAll(async () => {
    await gated.storage.close();
  });
  beforeEach(async () => {
    reported = [];
    node = await startSyncNode(gated.storage, { onError: (_error, context) => reported.push(context) });
  });
  afterEach(async () => {
    await node.close();
  });

  it('DESIGN §7 the batches of eight sessions sent together commit in two transactions; each is acked once, seqs are contiguous and every member gets every change once, in order', async () => {
    const { topic, rid, cid } = testNames();
    const writers = await Promise.all(Array.from({ length: WRITERS }, (_, index) => node.connect(`writer-${index}`)));
    const reader = await node.connect('reader');
    for (const client of [...writers, reader]) await client.join(topic);
    const headBefore = await gated.storage.headSeq();

    gated.holdUntilCommits(WRITERS);
    const replies = await Promise.all(
      writers.map((writer, index) => {
        const mutations: Mutation[] = [
          { mid: 1, c: 'items', id: rid(`own-${index}`), base: 0, ops: sets({ [F.title]: `w${index}` }) },
          { mid: 2, c: 'items', id: rid('shared'), base: 0, ops: [{ k: 'add', f: F.tags, id: `t${index}`, v: index }] },
        ];
        return writer.mutate(topic, cid(`writer-${index}`), mutations);
      }),
    );

    // The first batch found the slot free and went alone; the other seven waited and went together.
    expect(gated.transactions()).toBe(2);
    const seqs = replies.map((reply) => {
      expect(reply.status).toBe('ok');
      const results = reply.response.results as Applied[];
      expect(results.map((result) => result.status)).toEqual(['applied', 'applied']);
      expect(results[1]!.seq).toBe(results[0]!.seq + 1);
      return results.map((result) => result.seq);
    });
    const all = seqs.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 2 * WRITERS }, (_, index) => headBefore + index + 1));

    await reader.waitForSeq(topic, all.at(-1)!);
    expect(reader.changes(topic).map((change) => change.seq)).toEqual(all);
    expect((await gated.storage.getRecord('items', rid('shared')))?.fields[F.tags]).toHaveLength(WRITERS);
  });

  it("DESIGN §7 a database error in one session's batch answers that session STORAGE_UNAVAILABLE; the other sessions of its group are applied", async () => {
    const { topic, rid, cid } = testNames();
    const writers = await Promise.all(Array.from({ length: 4 }, (_, index) => node.connect(`writer-${index}`)));
    for (const writer of writers) await writer.join(topic);
    const poison = rid('poison');
    await gated.sql.exec(`
      CREATE OR REPLACE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${poison}' THEN RAISE EXCEPTION 'poisoned record'; END IF;
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS test_poison ON sync_log;
      CREATE TRIGGER test_poison BEFORE INSERT ON sync_log FOR EACH ROW EXECUTE FUNCTION test_poison();
    `);
    try {
      gated.holdUntilCommits(writers.length);
      const replies = await Promise.all(
        writers.map((writer, index) =>
          writer.mutate(topic, cid(`writer-${index}`), [
            {
              mid: 1,
              c: 'items',
              id: index === 2 ? poison : rid(`own-${index}`),
              base: 0,
              ops: sets({ [F.title]: 1 }),
            },
          ]),
        ),
      );
      expect(replies.map((reply) => reply.status)).toEqual(['ok', 'ok', 'error', 'ok']);
      expect(replies[2]!.response).toMatchObject({ reason: expect.stringContaining('STORAGE_UNAVAILABLE') });
      for (const index of [0, 1, 3]) expect(replies[index]!.response.results[0]).toMatchObject({ status: 'applied' });
      expect(await gated.storage.getRecord('items', poison)).toBeUndefined();
      expect(reported).toEqual(['sync_mutate commit']);
    } finally {
      await gated.sql.exec('DROP TRIGGER IF EXISTS test_poison ON sync_log; DROP FUNCTION IF EXISTS test_poison();');
    }
  });
});
