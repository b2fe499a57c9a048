import type { DeriveRecords, DerivingVersion } from '@wedsync/server';
import { describe, expect, it } from 'vitest';
import type { SqlStorage } from '../src/index.ts';
import { ann, bob, commit, F, mutation, SCOPE, schemas, T0 } from './contract-fixture.ts';

const FEED = 'feed:w1';

/** A feed entry per committed version of a note, id from the cause's (c, v, id) as the contract asks. */
function feedOf(seen: DerivingVersion[] = []): DeriveRecords {
  return (version) => {
    seen.push(version);
    if (version.scope === FEED) return [];
    return [
      {
        scope: FEED,
        c: 'notes',
        id: `feed:${version.c}:${version.v}:${version.id}`,
        ops: [{ k: 'set', f: F.title, v: `${version.by} wrote v${version.v} (${String(version.after[F.title])})` }],
        by: 'system',
      },
    ];
  };
}

/** Records derived from a change are written in the same transaction as the change (DESIGN §3, R6.1). */
export function describeDerived(get: () => SqlStorage): void {
  describe('derived records', () => {
    it('R6.1 a derived record is written in the transaction of its cause: consecutive seqs, one result', async () => {
      const storage = get();
      const seen: DerivingVersion[] = [];
      const { results, changes } = await storage.commit({
        clientId: 'client-ann',
        actor: ann,
        scope: SCOPE,
        nowMs: T0,
        schemas,
        derive: feedOf(seen),
        mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'Menu' }])],
      });
      expect(results).toEqual([{ mid: 1, status: 'applied', v: 1, seq: 1 }]);
      expect(changes.map((change) => [change.seq, change.scope, change.id])).toEqual([
        [1, SCOPE, 'n1'],
        [2, FEED, 'feed:notes:1:n1'],
      ]);
      expect(seen[0]).toMatchObject({ c: 'notes', id: 'n1', v: 1, before: undefined, after: { [F.title]: 'Menu' } });
      expect(await storage.getRecord('notes', 'feed:notes:1:n1')).toMatchObject({
        scope: FEED,
        v: 1,
        seq: 2,
        updatedBy: 'system',
        fields: { [F.title]: 'u-ann wrote v1 (Menu)' },
      });
      expect(await storage.headSeq()).toBe(2);
    });

    it('R6.1 the hook sees the fields before and after; a replayed mutation derives nothing again', async () => {
      const storage = get();
      const seen: DerivingVersion[] = [];
      const derive = feedOf(seen);
      const request = { clientId: 'client-ann', actor: ann, scope: SCOPE, nowMs: T0, schemas, derive };
      await storage.commit({ ...request, mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      await storage.commit({ ...request, mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'b' }])] });
      expect(seen.at(-1)).toMatchObject({ v: 2, before: { [F.title]: 'a' }, after: { [F.title]: 'b' } });
      const replay = await storage.commit({
        ...request,
        mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'b' }])],
      });
      expect(replay.results[0]).toMatchObject({ status: 'duplicate', v: 2 });
      expect(replay.changes).toEqual([]);
      expect(seen).toHaveLength(2);
      expect(await storage.headSeq()).toBe(4);
    });

    it('R6.1 in a group commit each request gets its own derived changes, after its own', async () => {
      const storage = get();
      const derive = feedOf();
      const [a, b] = await Promise.all([
        storage.commit({
          clientId: 'client-ann',
          actor: ann,
          scope: SCOPE,
          nowMs: T0,
          schemas,
          derive,
          mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'x' }])],
        }),
        storage.commit({
          clientId: 'client-bob',
          actor: bob,
          scope: SCOPE,
          nowMs: T0,
          schemas,
          derive,
          mutations: [mutation(1, 'n2', 0, [{ k: 'set', f: F.title, v: 'y' }])],
        }),
      ]);
      expect(a!.changes.map((change) => change.id)).toEqual(['n1', 'feed:notes:1:n1']);
      expect(b!.changes.map((change) => change.id)).toEqual(['n2', 'feed:notes:1:n2']);
      const seqs = [...a!.changes, ...b!.changes].map((change) => change.seq).sort((x, y) => x - y);
      expect(seqs).toEqual([1, 2, 3, 4]);
    });

    it('R6.1 a hook that throws fails its request whole: neither the change nor anything derived is written', async () => {
      const storage = get();
      await expect(
        storage.commit({
          clientId: 'client-ann',
          actor: ann,
          scope: SCOPE,
          nowMs: T0,
          schemas,
          derive: () => {
            throw new Error('describe failed');
          },
          mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'Menu' }])],
        }),
      ).rejects.toThrow('describe failed');
      expect(await storage.getRecord('notes', 'n1')).toBeUndefined();
      expect(await storage.headSeq()).toBe(0);
      expect(await storage.lastMutationId('client-ann')).toBe(0);
    });

    it('R6.1 an existing id, an unknown collection and refused ops are left out; the cause is applied', async () => {
      const storage = get();
      await commit(storage, { mutations: [mutation(1, 'taken', 0, [{ k: 'set', f: F.title, v: 'old' }])] });
      const { results, changes } = await storage.commit({
        clientId: 'client-ann',
        actor: ann,
        scope: SCOPE,
        nowMs: T0,
        schemas,
        derive: (version) =>
          version.id === 'n1'
            ? [
                { scope: FEED, c: 'notes', id: 'taken', ops: [{ k: 'set', f: F.title, v: 'new' }] },
                { scope: FEED, c: 'nope', id: 'x', ops: [] },
                { scope: FEED, c: 'notes', id: 'bad', ops: [{ k: 'set', f: 99, v: 1 }] },
              ]
            : [],
        mutations: [mutation(2, 'n1', 0, [{ k: 'set', f: F.title, v: 'Menu' }])],
      });
      expect(results[0]).toMatchObject({ status: 'applied', v: 1 });
      expect(changes.map((change) => change.id)).toEqual(['n1']);
      expect((await storage.getRecord('notes', 'taken'))?.fields[F.title]).toBe('old');
      expect(await storage.getRecord('notes', 'bad')).toBeUndefined();
    });

    it('R4.2 R6.1 a rollback writes what it implies in its own transaction', async () => {
      const storage = get();
      await commit(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'v1' }])] });
      await commit(storage, { mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'v2' }])] });
      const seen: DerivingVersion[] = [];
      const outcome = await storage.rollback({
        scope: SCOPE,
        c: 'notes',
        id: 'n1',
        toVersion: 1,
        actor: bob,
        schemas,
        nowMs: T0,
        derive: feedOf(seen),
      });
      if (!('change' in outcome)) throw new Error(outcome.error.message);
      expect(outcome.change).toMatchObject({ seq: 3, v: 3 });
      expect(outcome.derived.map((change) => [change.seq, change.id])).toEqual([[4, 'feed:notes:3:n1']]);
      expect(seen[0]).toMatchObject({ before: { [F.title]: 'v2' }, after: { [F.title]: 'v1' }, by: bob.userId });
    });
  });
}
