import type { MutationResult } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import type { Actor, CommitResult, StoredChange } from '../../server/src/storage/storage.ts';
import type { SqlStorage } from '../src/index.ts';
import { ann, bob, type CommitInput, commit, commitOne, F, mutation, SCOPE, T0 } from './contract-fixture.ts';

const cara: Actor = { userId: 'u-cara', name: 'Cara', sessionId: 's-cara' };

/** Transactions that wrote the log rows of these seqs (all of the log when none are given). */
async function transactionsOf(storage: SqlStorage, seqs?: readonly number[]): Promise<number> {
  const rows = await storage.sql.query<{ n: unknown }>(
    'SELECT count(DISTINCT xmin::text) AS n FROM sync_log WHERE $1::bigint[] IS NULL OR seq = ANY($1::bigint[])',
    [seqs ? [...seqs] : null],
  );
  return Number(rows[0]?.n);
}

const seqsOf = (changes: readonly StoredChange[]) => changes.map((change) => change.seq);

/** Every mutation applied, and the seqs of a request's results are its changes' seqs, consecutive. */
function expectAppliedContiguous(result: CommitResult): void {
  expect(result.results.map((item) => item.status)).toEqual(result.changes.map(() => 'applied'));
  const seqs = seqsOf(result.changes);
  expect(result.results.map((item) => (item as Extract<MutationResult, { status: 'applied' }>).seq)).toEqual(seqs);
  expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
}

/**
 * Group commit (DESIGN §7): commits issued together are grouped into fewer transactions by the
 * adapter, and each still behaves as if committed alone, in issue order.
 */
export function describeGroupCommit(get: () => SqlStorage): void {
  describe('group commit', () => {
    it('DESIGN §7 concurrent batches of eight sessions commit in fewer than eight transactions, each acked once with contiguous seqs', async () => {
      const storage = get();
      const sessions = Array.from(
        { length: 8 },
        (_, index): CommitInput => ({
          clientId: `client-${index}`,
          actor: index % 2 === 0 ? ann : bob,
          mutations: [
            mutation(1, `own-${index}`, 0, [{ k: 'set', f: F.title, v: `title ${index}` }]),
            mutation(2, 'shared', 0, [{ k: 'add', f: F.tags, id: `t${index}`, v: index }]),
            mutation(3, `own-${index}`, 0, [{ k: 'text', f: F.body, op: [`body ${index}`] }]),
          ],
        }),
      );
      const outcomes = await Promise.all(sessions.map((input) => commit(storage, input)));

      for (const outcome of outcomes) expectAppliedContiguous(outcome);
      const all = outcomes.flatMap((outcome) => seqsOf(outcome.changes)).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 24 }, (_, index) => index + 1));
      expect(await storage.headSeq()).toBe(24);
      expect(await transactionsOf(storage)).toBeLessThan(8);
      // Appends in commit (seq) order; each session's own record carries both of its writes.
      const sharedSeq = (index: number) => outcomes[index]!.changes.find((change) => change.id === 'shared')!.seq;
      const bySeq = sessions.map((_, index) => index).sort((a, b) => sharedSeq(a) - sharedSeq(b));
      expect((await storage.getRecord('notes', 'shared'))?.fields[F.tags]).toEqual(
        bySeq.map((index) => ({ id: `t${index}`, v: index })),
      );
      expect((await storage.getRecord('notes', 'own-5'))?.fields).toEqual({ [F.title]: 'title 5', [F.body]: 'body 5' });
      for (const input of sessions) expect(await storage.lastMutationId(input.clientId!)).toBe(3);

      // Replayed together, every mutation is a duplicate with the version and seq it got.
      const replays = await Promise.all(sessions.map((input) => commit(storage, input)));
      replays.forEach((replay, index) => {
        expect(replay.changes).toEqual([]);
        expect(replay.results).toEqual(outcomes[index]!.results.map((result) => ({ ...result, status: 'duplicate' })));
      });
      expect(await storage.headSeq()).toBe(24);
    });

    it('DESIGN §7 requests of one group see each other in order: text edits merge, a lock refuses only its writer, a replay is a duplicate', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'text', f: F.body, op: ['Dinner at 7'] }])] });
      const lock = { scope: SCOPE, c: 'notes', id: 'n1', f: F.title, holder: bob, ttlMs: 30_000, nowMs: T0 };
      expect((await storage.acquireLock(lock)).ok).toBe(true);

      const vegan = mutation(2, 'n1', 1, [{ k: 'text', f: F.body, op: ['Vegan '] }]);
      const [, , annText, caraText, annTitle, replay] = await Promise.all([
        // Two pacers take the free slots at once, so the rest wait and go together.
        commit(storage, { clientId: 'pacer-1', mutations: [mutation(1, 'p1', 0, [])] }),
        commit(storage, { clientId: 'pacer-2', mutations: [mutation(1, 'p2', 0, [])] }),
        commit(storage, { mutations: [vegan] }),
        commit(storage, {
          clientId: 'client-cara',
          actor: cara,
          mutations: [mutation(1, 'n1', 1, [{ k: 'text', f: F.body, op: [11, ' pm'] }])],
        }),
        commit(storage, {
          clientId: 'client-ann-2',
          actor: ann,
          nowMs: T0 + 1_000,
          mutations: [mutation(1, 'n1', 1, [{ k: 'set', f: F.title, v: 'mine' }])],
        }),
        commit(storage, { mutations: [vegan] }),
      ]);

      expect((await storage.getRecord('notes', 'n1'))?.fields[F.body]).toBe('Vegan Dinner at 7 pm');
      expect(caraText!.changes[0]?.ops).toEqual([{ k: 'text', f: F.body, op: [17, ' pm'] }]);
      expect(annTitle!.results[0]).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED' });
      const applied = annText!.results[0] as Extract<MutationResult, { status: 'applied' }>;
      expect(applied.status).toBe('applied');
      expect(replay!.results).toEqual([{ mid: 2, status: 'duplicate', v: applied.v, seq: applied.seq }]);
      expect(replay!.changes).toEqual([]);
      expect(await transactionsOf(storage, [...seqsOf(annText!.changes), ...seqsOf(caraText!.changes)])).toBe(1);
    });

    it("DESIGN §7 a database error in one session's batch fails only that batch; the others of its group commit", async () => {
      const storage = get();
      await storage.sql.exec(`
        CREATE OR REPLACE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.id = 'poison' THEN RAISE EXCEPTION 'poisoned record'; END IF;
          RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS test_poison ON sync_log;
        CREATE TRIGGER test_poison BEFORE INSERT ON sync_log FOR EACH ROW EXECUTE FUNCTION test_poison();
      `);
      try {
        const sessions = Array.from(
          { length: 6 },
          (_, index): CommitInput => ({
            clientId: `client-${index}`,
            mutations: [
              mutation(1, `own-${index}`, 0, [{ k: 'set', f: F.title, v: index }]),
              mutation(2, index === 5 ? 'poison' : `other-${index}`, 0, [{ k: 'set', f: F.title, v: index }]),
            ],
          }),
        );
        const settled = await Promise.allSettled(sessions.map((input) => commit(storage, input)));

        expect(settled[5]?.status).toBe('rejected');
        expect(String((settled[5] as PromiseRejectedResult).reason)).toContain('poisoned record');
        const outcomes = settled.slice(0, 5).map((item) => {
          expect(item.status).toBe('fulfilled');
          return (item as PromiseFulfilledResult<CommitResult>).value;
        });
        for (const outcome of outcomes) expectAppliedContiguous(outcome);
        expect(outcomes.flatMap((outcome) => seqsOf(outcome.changes)).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 10 }, (_, index) => index + 1),
        );
        expect(await storage.headSeq()).toBe(10);
        expect(await storage.getRecord('notes', 'own-5')).toBeUndefined();
        expect(await storage.lastMutationId('client-5')).toBe(0);
        expect(await storage.lastMutationId('client-4')).toBe(2);
      } finally {
        await storage.sql.exec(
          'DROP TRIGGER IF EXISTS test_poison ON sync_log; DROP FUNCTION IF EXISTS test_poison();',
        );
      }
    });
  });
}
