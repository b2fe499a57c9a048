import { describe, expect, it } from 'vitest';
import type { SqlStorage } from '../src/index.ts';
import { ann, bob, commit, commitOne, F, mutation, SCOPE, T0 } from './contract-fixture.ts';

export function describeMutations(get: () => SqlStorage): void {
  describe('mutations', () => {
    it('R4.2 applies ops of all four field kinds and returns version and seq', async () => {
      const storage = get();
      const result = await commitOne(storage, {
        mutations: [
          mutation(1, 'n1', 0, [
            { k: 'set', f: F.title, v: 'Menu' },
            { k: 'text', f: F.body, op: ['Dinner'] },
            { k: 'add', f: F.tags, id: 't1', v: 'vegan' },
            { k: 'set', f: F.budget, v: 1200 },
          ]),
        ],
      });
      expect(result).toEqual({ mid: 1, status: 'applied', v: 1, seq: 1 });
      const record = await storage.getRecord('notes', 'n1');
      expect(record).toMatchObject({
        c: 'notes',
        id: 'n1',
        v: 1,
        seq: 1,
        scope: SCOPE,
        updatedBy: ann.userId,
        updatedAtMs: T0,
        fields: { [F.title]: 'Menu', [F.body]: 'Dinner', [F.tags]: [{ id: 't1', v: 'vegan' }], [F.budget]: 1200 },
      });
      await commitOne(storage, { mutations: [mutation(2, 'n1', 1, [{ k: 'remove', f: F.tags, id: 't1' }])] });
      expect((await storage.getRecord('notes', 'n1'))?.fields[F.tags]).toEqual([]);
    });

    it('R10.2 merges concurrent edits of different fields of one record without conflict', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.budget, v: 100 }])] });
      await commitOne(storage, { mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'Ann' }])] });
      const result = await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [mutation(1, 'n1', 1, [{ k: 'set', f: F.budget, v: 150 }])],
      });
      expect(result).toEqual({ mid: 1, status: 'applied', v: 3, seq: 3 });
      expect((await storage.getRecord('notes', 'n1'))?.fields).toEqual({ [F.budget]: 150, [F.title]: 'Ann' });
    });

    it('R4.2 returns a manual conflict as data and keeps their value; all-conflict writes no version', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.budget, v: 100 }])] });
      await commitOne(storage, {
        nowMs: T0 + 60_000,
        mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.budget, v: 200 }])],
      });
      const conflict = {
        f: F.budget,
        base: 100,
        mine: 300,
        theirs: 200,
        by: ann.userId,
        at: new Date(T0 + 60_000).toISOString(),
        v: 2,
      };
      const onlyConflict = await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [mutation(1, 'n1', 1, [{ k: 'set', f: F.budget, v: 300 }])],
      });
      expect(onlyConflict).toEqual({ mid: 1, status: 'conflict', v: 2, conflicts: [conflict] });
      expect(await storage.headSeq()).toBe(2);
      const mixed = await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [
          mutation(2, 'n1', 1, [
            { k: 'set', f: F.budget, v: 300 },
            { k: 'set', f: F.title, v: 'kept' },
          ]),
        ],
      });
      expect(mixed).toEqual({ mid: 2, status: 'applied', v: 3, seq: 3, conflicts: [conflict] });
      expect((await storage.getRecord('notes', 'n1'))?.fields).toEqual({ [F.budget]: 200, [F.title]: 'kept' });
    });

    it('R4.2 concurrent edits of one text both survive', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'text', f: F.body, op: ['Dinner at 7'] }])] });
      await commitOne(storage, { mutations: [mutation(2, 'n1', 1, [{ k: 'text', f: F.body, op: ['Vegan '] }])] });
      const { changes } = await commit(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [mutation(1, 'n1', 1, [{ k: 'text', f: F.body, op: [11, ' pm'] }])],
      });
      expect((await storage.getRecord('notes', 'n1'))?.fields[F.body]).toBe('Vegan Dinner at 7 pm');
      expect(changes[0]?.ops).toEqual([{ k: 'text', f: F.body, op: [17, ' pm'] }]);
    });

    it('R11.2 several mutations of one record on one base are sequential, in one batch or across requests', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'text', f: F.body, op: ['ab'] }])] });
      await commit(storage, {
        mutations: [
          mutation(2, 'n1', 1, [{ k: 'text', f: F.body, op: [2, 'c'] }]),
          mutation(3, 'n1', 1, [{ k: 'text', f: F.body, op: [3, 'd'] }]),
        ],
      });
      await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [mutation(1, 'n1', 1, [{ k: 'text', f: F.body, op: ['X'] }])],
      });
      await commitOne(storage, { mutations: [mutation(4, 'n1', 1, [{ k: 'text', f: F.body, op: [4, 'e'] }])] });
      expect((await storage.getRecord('notes', 'n1'))?.fields[F.body]).toBe('Xabcde');
    });

    it('R4.2 concurrent list appends are both kept, in commit order', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'add', f: F.tags, id: 'a', v: 'ann' }])] });
      await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [mutation(1, 'n1', 0, [{ k: 'add', f: F.tags, id: 'b', v: 'bob' }])],
      });
      expect((await storage.getRecord('notes', 'n1'))?.fields[F.tags]).toEqual([
        { id: 'a', v: 'ann' },
        { id: 'b', v: 'bob' },
      ]);
    });

    it('R11.2 a replayed mutation is acknowledged as duplicate and never applied twice', async () => {
      const storage = get();
      const first = mutation(5, 'n1', 0, [{ k: 'add', f: F.tags, id: 'a', v: 1 }]);
      expect(await commitOne(storage, { mutations: [first] })).toEqual({ mid: 5, status: 'applied', v: 1, seq: 1 });
      const replay = await commit(storage, {
        mutations: [first, mutation(5, 'n1', 0, [{ k: 'set', f: F.title, v: 'again' }])],
      });
      expect(replay.results).toEqual([
        { mid: 5, status: 'duplicate', v: 1, seq: 1 },
        { mid: 5, status: 'duplicate', v: 1, seq: 1 },
      ]);
      expect(replay.changes).toEqual([]);
      // A lower mid that was never seen is still a duplicate: mids only grow.
      expect(await commitOne(storage, { mutations: [mutation(3, 'n1', 1, [])] })).toEqual({
        mid: 3,
        status: 'duplicate',
      });
      expect(await storage.lastMutationId('client-ann')).toBe(5);
      expect(await storage.lastMutationId('someone-else')).toBe(0);
      expect((await storage.getRecord('notes', 'n1'))?.v).toBe(1);
    });

    it('R11.2 one invalid mutation in a batch is rejected alone; the others apply', async () => {
      const storage = get();
      const { results, changes } = await commit(storage, {
        mutations: [
          mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }]),
          mutation(2, 'n1', 1, [{ k: 'set', f: 99, v: 'x' }]),
          mutation(3, 'n1', 1, [{ k: 'set', f: F.body, v: 'not a text op' }]),
          { mid: 4, c: 'nope', id: 'x', base: 0, ops: [] },
          mutation(5, 'n1', 7, [{ k: 'set', f: F.title, v: 'future' }]),
          mutation(6, 'n1', 1, [{ k: 'text', f: F.body, op: [3, 'x'] }]),
          mutation(7, 'n1', 1, [{ k: 'set', f: F.title, v: 'b' }]),
        ],
      });
      expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
        'applied',
        'UNKNOWN_FIELD',
        'VALIDATION_FAILED',
        'UNKNOWN_COLLECTION',
        'VALIDATION_FAILED',
        'VALIDATION_FAILED',
        'applied',
      ]);
      for (const result of results) if (result.status === 'rejected') expect(result.message.length).toBeGreaterThan(5);
      expect(changes.map((change) => change.mid)).toEqual([1, 7]);
      expect((await storage.getRecord('notes', 'n1'))?.fields[F.title]).toBe('b');
    });

    it('R14.2 a write to a record of another scope is refused with FORBIDDEN', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      const result = await commitOne(storage, {
        scope: 'wedding:other',
        mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'b' }])],
      });
      expect(result).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    });

    it('R4.2 a deleted record refuses writes; deleting it again is acknowledged', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      const { changes } = await commit(storage, { mutations: [mutation(2, 'n1', 1, [], { del: true })] });
      expect(changes[0]).toMatchObject({ v: 2, del: true });
      expect(await storage.getRecord('notes', 'n1')).toMatchObject({ v: 2, del: true });
      expect(
        await commitOne(storage, { mutations: [mutation(3, 'n1', 2, [{ k: 'set', f: F.title, v: 'b' }])] }),
      ).toMatchObject({
        status: 'rejected',
        code: 'RECORD_NOT_FOUND',
      });
      expect(await commitOne(storage, { mutations: [mutation(4, 'n1', 2, [], { del: true })] })).toEqual({
        mid: 4,
        status: 'applied',
        v: 2,
        seq: 2,
      });
    });

    it('R11.2 refuses NUL characters, which PostgreSQL cannot store, as VALIDATION_FAILED', async () => {
      const result = await commitOne(get(), {
        mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a\u0000b' }])],
      });
      expect(result).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    });

    it('R11.2 refuses lone UTF-16 surrogates per mutation; the rest of the batch, and text that only looks like an escape, are stored', async () => {
      const storage = get();
      const { results } = await commit(storage, {
        mutations: [
          mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'ok \ud83d\ude00' }]),
          mutation(2, 'n2', 0, [{ k: 'set', f: F.title, v: 'half \ud83d' }]),
          mutation(3, 'n3', 0, [{ k: 'text', f: F.body, op: ['tail \ude00'] }]),
          mutation(4, 'n\udc00', 0, [{ k: 'set', f: F.title, v: 'bad id' }]),
          mutation(5, 'n5', 0, [{ k: 'set', f: F.title, v: 'typed \\u0000 and \\ud800' }]),
        ],
      });
      expect(results.map((result) => [result.mid, result.status, 'code' in result ? result.code : undefined])).toEqual([
        [1, 'applied', undefined],
        [2, 'rejected', 'VALIDATION_FAILED'],
        [3, 'rejected', 'VALIDATION_FAILED'],
        [4, 'rejected', 'VALIDATION_FAILED'],
        [5, 'applied', undefined],
      ]);
      expect((await storage.getRecord('notes', 'n1'))?.fields[F.title]).toBe('ok \ud83d\ude00');
      expect((await storage.getRecord('notes', 'n5'))?.fields[F.title]).toBe('typed \\u0000 and \\ud800');
    });
  });
}
