import { describe, expect, it } from 'vitest';
import type { SqlStorage, WithinCommit, WrittenVersion } from '../src/index.ts';
import { ann, bob, commit, commitOne, F, mutation, SCOPE, schemas, T0 } from './contract-fixture.ts';

/** A table of the application's own, written by the hooks below in the transaction of the cause. */
async function probeTable(storage: SqlStorage): Promise<void> {
  await storage.sql.exec(`
    CREATE TABLE IF NOT EXISTS within_commit_probe (seq bigint PRIMARY KEY, record_id text NOT NULL);
    TRUNCATE within_commit_probe;
  `);
}

async function probes(storage: SqlStorage): Promise<[number, string][]> {
  const rows = await storage.sql.query<{ seq: unknown; record_id: string }>(
    'SELECT seq, record_id FROM within_commit_probe ORDER BY seq',
  );
  return rows.map((row) => [Number(row.seq), row.record_id]);
}

/** A hook writing one probe row per written version, in the cause's transaction. */
function probeHook(seen: WrittenVersion[] = [], failOn?: string): WithinCommit {
  return async (tx, written) => {
    for (const version of written) {
      seen.push(version);
      if (version.change.id === failOn) throw new Error(`hook refuses ${failOn}`);
      await tx.query('INSERT INTO within_commit_probe (seq, record_id) VALUES ($1, $2)', [
        version.change.seq,
        version.change.id,
      ]);
    }
    return undefined;
  };
}

/**
 * The adapter's `withinCommit` hook (issue 7 item 1, R5.2): SQL the application runs inside the
 * transaction that writes versions — its rows commit with the versions or not at all.
 */
export function describeWithinCommit(get: () => SqlStorage): void {
  describe('withinCommit hook', () => {
    it('R5.2 sees each written version (seq, fields before and after, text in full) and its rows commit with it; the follow-up runs after COMMIT', async () => {
      const storage = get();
      await probeTable(storage);
      const seen: WrittenVersion[] = [];
      const visibleAfterCommit: [number, string][][] = [];
      const writeProbes = probeHook(seen);
      const remove = storage.addWithinCommit(async (tx, written) => {
        await writeProbes(tx, written);
        return () => {
          void probes(storage).then((rows) => visibleAfterCommit.push(rows));
        };
      });
      try {
        await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'text', f: F.body, op: ['Hi @Bob'] }])] });
        const second = await commit(storage, {
          mutations: [
            mutation(2, 'n1', 1, [
              { k: 'set', f: F.title, v: 'Menu' },
              { k: 'text', f: F.body, op: [7, ', see you'] },
            ]),
          ],
        });
        expect(second.results[0]).toMatchObject({ status: 'applied', v: 2, seq: 2 });
        expect(seen.map((version) => [version.change.seq, version.change.v, version.before, version.after])).toEqual([
          [1, 1, undefined, { [F.body]: 'Hi @Bob' }],
          [2, 2, { [F.body]: 'Hi @Bob' }, { [F.title]: 'Menu', [F.body]: 'Hi @Bob, see you' }],
        ]);
        expect(seen[1]!.change).toMatchObject({ scope: SCOPE, c: 'notes', id: 'n1', by: 'u-ann', cid: 'client-ann' });
        // The probe row is there when the commit resolves: no follower, no waiting.
        expect(await probes(storage)).toEqual([
          [1, 'n1'],
          [2, 'n1'],
        ]);
        await expect.poll(() => visibleAfterCommit.length).toBe(2);
        expect(visibleAfterCommit[0]).toEqual([[1, 'n1']]);
      } finally {
        remove();
      }
      await commitOne(storage, { mutations: [mutation(3, 'n1', 2, [{ k: 'set', f: F.title, v: 'Later' }])] });
      expect(seen).toHaveLength(2);
    });

    it('R5.2 a hook that throws fails its cause: nothing of it is written; in a group only the culprit fails', async () => {
      const storage = get();
      await probeTable(storage);
      const remove = storage.addWithinCommit(probeHook([], 'bad'));
      try {
        const attempts = await Promise.allSettled(
          ['ok-1', 'bad', 'ok-2'].map((id, index) =>
            commit(storage, {
              clientId: `client-${index}`,
              actor: index === 1 ? bob : ann,
              mutations: [mutation(1, id, 0, [{ k: 'set', f: F.title, v: id }])],
            }),
          ),
        );
        expect(attempts.map((attempt) => attempt.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(String((attempts[1] as PromiseRejectedResult).reason)).toContain('hook refuses bad');
        expect(await storage.getRecord('notes', 'bad')).toBeUndefined();
        expect(await storage.lastMutationId('client-1')).toBe(0);
        expect(await storage.headSeq()).toBe(2);
        expect((await probes(storage)).map(([, id]) => id).sort()).toEqual(['ok-1', 'ok-2']);
      } finally {
        remove();
      }
    });

    it('R4.2 R5.2 a rollback runs the hook on the version it writes; a refusing hook leaves the record as it was', async () => {
      const storage = get();
      await probeTable(storage);
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      await commitOne(storage, { mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'b' }])] });
      const rollback = { scope: SCOPE, c: 'notes', id: 'n1', toVersion: 1, actor: ann, schemas, nowMs: T0 + 1_000 };
      const refuse = storage.addWithinCommit(probeHook([], 'n1'));
      await expect(storage.rollback(rollback)).rejects.toThrow('hook refuses n1');
      refuse();
      expect(await storage.getRecord('notes', 'n1')).toMatchObject({ v: 2, fields: { [F.title]: 'b' } });
      expect(await storage.headSeq()).toBe(2);

      const seen: WrittenVersion[] = [];
      const remove = storage.addWithinCommit(probeHook(seen));
      try {
        const outcome = await storage.rollback(rollback);
        expect(outcome).toMatchObject({ change: { seq: 3, v: 3 } });
        expect(seen.map((version) => [version.change.v, version.before, version.after])).toEqual([
          [3, { [F.title]: 'b' }, { [F.title]: 'a' }],
        ]);
        expect(await probes(storage)).toEqual([[3, 'n1']]);
      } finally {
        remove();
      }
    });
  });
}
