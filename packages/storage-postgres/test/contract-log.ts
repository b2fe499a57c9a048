import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredChange } from '../../server/src/storage/storage.ts';
import { runMigrations, type SqlStorage, STORAGE_MIGRATIONS } from '../src/index.ts';
import { commit, commitOne, F, mutation, SCOPE, T0 } from './contract-fixture.ts';

const OTHER = 'wedding:w2';

export function describeLog(get: () => SqlStorage, load: { concurrentCommits: number; committers: number }): void {
  describe('change log', () => {
    it("R3 changesSince returns the scopes' changes after a seq, in seq order, at most limit", async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'a', 0, [{ k: 'set', f: F.title, v: 1 }])] });
      await commitOne(storage, { scope: OTHER, mutations: [mutation(2, 'b', 0, [{ k: 'set', f: F.title, v: 2 }])] });
      await commit(storage, {
        mutations: [mutation(3, 'a', 1, [{ k: 'set', f: F.title, v: 3 }]), mutation(4, 'c', 0, [])],
      });
      const all = await storage.changesSince([SCOPE, OTHER], 0, 100);
      expect(all.map((change) => change.seq)).toEqual([1, 2, 3, 4]);
      expect(all[0]).toEqual({
        seq: 1,
        scope: SCOPE,
        c: 'notes',
        id: 'a',
        v: 1,
        ops: [{ k: 'set', f: F.title, v: 1 }],
        by: 'u-ann',
        at: new Date(T0).toISOString(),
        cid: 'client-ann',
        mid: 1,
      } satisfies StoredChange);
      expect((await storage.changesSince([SCOPE], 0, 100)).map((change) => change.seq)).toEqual([1, 3, 4]);
      expect((await storage.changesSince([SCOPE, OTHER], 1, 2)).map((change) => change.seq)).toEqual([2, 3]);
      expect(await storage.changesSince([], 0, 10)).toEqual([]);
      expect(await storage.headSeq()).toBe(4);
    });

    it("R3 snapshot returns the scopes' current records, deleted ones marked, and the seq they are current to", async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'a', 0, [{ k: 'set', f: F.title, v: 'A' }])] });
      await commitOne(storage, { mutations: [mutation(2, 'd', 0, [])] });
      await commitOne(storage, { mutations: [mutation(3, 'd', 1, [], { del: true })] });
      await commitOne(storage, { scope: OTHER, mutations: [mutation(4, 'x', 0, [])] });
      const snapshot = await storage.snapshot([SCOPE]);
      expect(snapshot.seq).toBe(4);
      expect(snapshot.records.map((record) => [record.id, record.v, record.del ?? false])).toEqual([
        ['a', 1, false],
        ['d', 2, true],
      ]);
      expect(snapshot.records[0]).toMatchObject({ fields: { [F.title]: 'A' }, scope: SCOPE, seq: 1 });
      expect(await storage.snapshot(['wedding:none'])).toEqual({ seq: 4, records: [] });
    });

    it('R11.2 pruning removes the old prefix of the log, keeps history and moves oldestRetainedSeq', async () => {
      const storage = get();
      expect(await storage.oldestRetainedSeq()).toBe(1);
      for (const [index, offsetMs] of [0, 1_000, 2_000, 500].entries()) {
        await commitOne(storage, {
          nowMs: T0 + offsetMs,
          mutations: [mutation(index + 1, `r${index}`, 0, [{ k: 'set', f: F.title, v: index }])],
        });
      }
      // seq 4 is old by its clock but comes after seq 3, which is not: only the prefix 1..2 goes.
      expect(await storage.pruneLog(T0 + 1_500)).toBe(2);
      expect(await storage.oldestRetainedSeq()).toBe(3);
      expect((await storage.changesSince([SCOPE], 0, 10)).map((change) => change.seq)).toEqual([3, 4]);
      expect(await storage.history('notes', 'r0')).toHaveLength(1);
      expect(await storage.pruneLog(T0 + 10_000)).toBe(2);
      expect(await storage.oldestRetainedSeq()).toBe(5);
      expect(await storage.headSeq()).toBe(4);
      expect(await storage.pruneLog(T0 + 10_000)).toBe(0);
    });

    it('R3 seq is commit-ordered: a reader polling with a cursor under concurrent commits never skips a change', async () => {
      const storage = get();
      const scopes = [SCOPE, OTHER];
      const perCommitter = Math.ceil(load.concurrentCommits / load.committers);
      let writersDone = false;
      const committed: number[] = [];
      const seen: number[] = [];

      const committer = async (index: number) => {
        for (let n = 0; n < perCommitter; n++) {
          // Records hot-0/2/4 live in SCOPE, hot-1/3 in OTHER. Every third request writes two records,
          // in opposite orders from odd and even writers (record locks must not deadlock).
          const pair = index % 2 === 0 ? ['hot-0', 'hot-2'] : ['hot-2', 'hot-0'];
          const records = n % 3 === 0 ? pair : [`hot-${(index + n) % 5}`];
          const { changes } = await commit(storage, {
            clientId: `writer-${index}`,
            scope: records[0] === 'hot-1' || records[0] === 'hot-3' ? OTHER : SCOPE,
            mutations: records.map((record, k) =>
              mutation(n * 2 + k + 1, record, 0, [{ k: 'add', f: F.tags, id: `${index}-${n}-${k}`, v: index }]),
            ),
          });
          committed.push(...changes.map((change) => change.seq));
        }
      };
      // Transactions that take seqs and then roll back: they must not hide later changes from the reader.
      const aborter = async () => {
        for (let n = 0; n < 10; n++) {
          await storage.sql
            .transaction(async (tx) => {
              // The head row is the log-append lock (write-lock.ts).
              await tx.query('UPDATE sync_head SET seq = seq + 1 WHERE id = 1');
              throw new Error('rolled back on purpose');
            })
            .catch(() => undefined);
        }
      };
      const reader = async () => {
        let cursor = 0;
        for (;;) {
          const finalRead = writersDone;
          const rows = await storage.changesSince(scopes, cursor, 7);
          for (const row of rows) {
            expect(row.seq).toBeGreaterThan(cursor);
            cursor = row.seq;
            seen.push(row.seq);
          }
          if (rows.length === 0) {
            if (finalRead) return;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      };
      const readerDone = reader();
      await Promise.all([...Array.from({ length: load.committers }, (_, index) => committer(index)), aborter()]);
      writersDone = true;
      await readerDone;

      expect(seen).toEqual([...committed].sort((a, b) => a - b));
      // This adapter is also gapless: rolled-back transactions leave no hole.
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, index) => index + 1));
      expect(await storage.headSeq()).toBe(seen.length);
    }, 60_000);
  });

  describe('migrations', () => {
    it('R3 migrations are idempotent and app migration sets run after the storage ones', async () => {
      const storage = get();
      expect(await runMigrations(storage.sql, [STORAGE_MIGRATIONS])).toEqual([]);
      const dir = await mkdtemp(join(tmpdir(), 'wedsync-migrations-'));
      try {
        await writeFile(join(dir, '001_app.sql'), 'CREATE TABLE IF NOT EXISTS app_contract_probe (id integer);');
        await writeFile(join(dir, 'notes.txt'), 'not a migration');
        const set = { namespace: `app-${Math.random().toString(36).slice(2)}`, dir };
        expect(await runMigrations(storage.sql, [STORAGE_MIGRATIONS, set])).toEqual([`${set.namespace}/001_app.sql`]);
        expect(await runMigrations(storage.sql, [STORAGE_MIGRATIONS, set])).toEqual([]);
        expect(await storage.sql.query('SELECT count(*)::int AS n FROM app_contract_probe')).toEqual([{ n: 0 }]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await storage.migrate();
    });
  });
}
