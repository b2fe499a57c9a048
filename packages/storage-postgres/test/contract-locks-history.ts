import { describe, expect, it } from 'vitest';
import type { LockRequestInput } from '../../server/src/storage/storage.ts';
import type { SqlStorage } from '../src/index.ts';
import { ann, bob, commit, commitOne, F, mutation, SCOPE, schemas, T0 } from './contract-fixture.ts';

const TTL_MS = 30_000;

function lockOf(holder: LockRequestInput['holder'], f: number | undefined, nowMs = T0): LockRequestInput {
  return { scope: SCOPE, c: 'notes', id: 'n1', ...(f !== undefined ? { f } : {}), holder, ttlMs: TTL_MS, nowMs };
}

export function describeLocksAndHistory(get: () => SqlStorage): void {
  describe('locks', () => {
    it('R4.1 a write to a field locked by another user is refused with FIELD_LOCKED naming the holder', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      expect(await storage.acquireLock(lockOf(ann, F.title))).toMatchObject({
        ok: true,
        lock: { expiresAtMs: T0 + TTL_MS },
      });
      const refused = await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        nowMs: T0 + 1_000,
        mutations: [mutation(1, 'n1', 1, [{ k: 'set', f: F.title, v: 'bob' }])],
      });
      expect(refused).toMatchObject({
        status: 'rejected',
        code: 'FIELD_LOCKED',
        details: { holder: { userId: ann.userId, name: 'Ann' }, f: F.title },
      });
      if (refused.status === 'rejected') expect(refused.message).toContain('Ann');
      // Other fields stay writable; the holder's own writes (any session) pass.
      const other = await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        nowMs: T0 + 1_000,
        mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.budget, v: 9 }])],
      });
      expect(other.status).toBe('applied');
      const own = await commitOne(storage, {
        actor: { ...ann, sessionId: 's-ann-tab-2' },
        nowMs: T0 + 1_000,
        mutations: [mutation(2, 'n1', 2, [{ k: 'set', f: F.title, v: 'ann' }])],
      });
      expect(own.status).toBe('applied');
      // Expired at T0 + TTL: free again.
      const later = await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        nowMs: T0 + TTL_MS,
        mutations: [mutation(3, 'n1', 3, [{ k: 'set', f: F.title, v: 'bob' }])],
      });
      expect(later.status).toBe('applied');
    });

    it('R10.2 a record lock refuses writes to every field and deletes with RECORD_LOCKED', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [])] });
      expect((await storage.acquireLock(lockOf(ann, undefined))).ok).toBe(true);
      const refused = await commit(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [mutation(1, 'n1', 1, [{ k: 'set', f: F.budget, v: 1 }]), mutation(2, 'n1', 1, [], { del: true })],
      });
      expect(refused.results.map((r) => r.status === 'rejected' && r.code)).toEqual(['RECORD_LOCKED', 'RECORD_LOCKED']);
      expect(await storage.acquireLock(lockOf(bob, F.title))).toMatchObject({
        ok: false,
        code: 'RECORD_LOCKED',
        lock: { holder: { userId: ann.userId } },
      });
    });

    it('R4.1 a lock held by another session is refused; the holder renews; an expired lock is free', async () => {
      const storage = get();
      expect((await storage.acquireLock(lockOf(ann, F.body))).ok).toBe(true);
      expect(await storage.acquireLock(lockOf(bob, F.body, T0 + 5_000))).toMatchObject({
        ok: false,
        code: 'FIELD_LOCKED',
        lock: { f: F.body, holder: { userId: ann.userId, name: 'Ann' } },
      });
      expect(await storage.acquireLock(lockOf(ann, F.body, T0 + 10_000))).toMatchObject({
        ok: true,
        lock: { expiresAtMs: T0 + 10_000 + TTL_MS },
      });
      expect(await storage.renewLock(lockOf(ann, F.body, T0 + 20_000))).toMatchObject({
        ok: true,
        lock: { expiresAtMs: T0 + 20_000 + TTL_MS },
      });
      expect(await storage.renewLock(lockOf(bob, F.body, T0 + 20_000))).toEqual({ ok: false, code: 'LOCK_NOT_HELD' });
      expect(await storage.locksIn(SCOPE, T0 + 20_000)).toHaveLength(1);
      const afterExpiry = T0 + 20_000 + TTL_MS;
      expect(await storage.locksIn(SCOPE, afterExpiry)).toEqual([]);
      expect(await storage.acquireLock(lockOf(bob, F.body, afterExpiry))).toMatchObject({
        ok: true,
        lock: { holder: { userId: bob.userId, sessionId: bob.sessionId } },
      });
    });

    it('R4.1 releasing: by the holder only, every lock of a disconnected session, and expired ones', async () => {
      const storage = get();
      await storage.acquireLock(lockOf(ann, F.title));
      await storage.acquireLock(lockOf(ann, F.body));
      await storage.acquireLock(lockOf(bob, F.budget));
      expect(await storage.releaseLock(lockOf(bob, F.title))).toBe(false);
      const released = await storage.releaseLocksOfSession(ann.sessionId!);
      expect(released.map((lock) => lock.f).sort()).toEqual([F.title, F.body].sort());
      expect((await storage.locksIn(SCOPE, T0)).map((lock) => lock.holder.userId)).toEqual([bob.userId]);
      expect(await storage.expireLocks(T0 + TTL_MS - 1)).toEqual([]);
      expect((await storage.expireLocks(T0 + TTL_MS)).map((lock) => lock.f)).toEqual([F.budget]);
      await storage.acquireLock(lockOf(bob, F.budget));
      expect(await storage.releaseLock(lockOf(bob, F.budget))).toBe(true);
      expect(await storage.locksIn(SCOPE, T0)).toEqual([]);
    });
  });

  describe('history and rollback', () => {
    it('R4.2 history lists every version newest first with who, when, ops and fields', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        nowMs: T0 + 1_000,
        mutations: [mutation(1, 'n1', 1, [{ k: 'text', f: F.body, op: ['hi'] }])],
      });
      await commitOne(storage, {
        nowMs: T0 + 2_000,
        mutations: [mutation(2, 'n1', 2, [{ k: 'set', f: F.title, v: 'c' }])],
      });
      const history = await storage.history('notes', 'n1');
      expect(history.map((entry) => [entry.v, entry.by])).toEqual([
        [3, ann.userId],
        [2, bob.userId],
        [1, ann.userId],
      ]);
      expect(history[1]).toEqual({
        v: 2,
        seq: 2,
        by: bob.userId,
        at: new Date(T0 + 1_000).toISOString(),
        ops: [{ k: 'text', f: F.body, op: ['hi'] }],
        fields: { [F.title]: 'a', [F.body]: 'hi' },
      });
      expect((await storage.history('notes', 'n1', { limit: 1, before: 3 })).map((entry) => entry.v)).toEqual([2]);
      expect(await storage.history('notes', 'missing')).toEqual([]);
    });

    it('R4.2 rollback writes a new audited version equal to the old one', async () => {
      const storage = get();
      await commitOne(storage, {
        mutations: [
          mutation(1, 'n1', 0, [
            { k: 'set', f: F.title, v: 'v1' },
            { k: 'text', f: F.body, op: ['one'] },
            { k: 'add', f: F.tags, id: 'a', v: 1 },
          ]),
        ],
      });
      await commitOne(storage, {
        clientId: 'client-bob',
        actor: bob,
        mutations: [
          mutation(1, 'n1', 1, [
            { k: 'set', f: F.title, v: 'v2' },
            { k: 'text', f: F.body, op: [3, ' two'] },
            { k: 'remove', f: F.tags, id: 'a' },
            { k: 'add', f: F.tags, id: 'b', v: 2 },
            { k: 'set', f: F.budget, v: 5 },
          ]),
        ],
      });
      const outcome = await storage.rollback({
        scope: SCOPE,
        c: 'notes',
        id: 'n1',
        toVersion: 1,
        actor: ann,
        clientId: 'client-ann',
        schemas,
        nowMs: T0 + 5_000,
      });
      if (!('change' in outcome)) throw new Error(outcome.error.message);
      expect(outcome.change).toMatchObject({ v: 3, seq: 3, by: ann.userId, scope: SCOPE, cid: 'client-ann' });
      const [v1, v3] = [(await storage.history('notes', 'n1')).at(-1)!, (await storage.history('notes', 'n1'))[0]!];
      expect(v3).toMatchObject({ v: 3, by: ann.userId, rollbackOf: 1, at: new Date(T0 + 5_000).toISOString() });
      expect(v3.fields).toEqual(v1.fields);
      expect((await storage.getRecord('notes', 'n1'))?.fields).toEqual(v1.fields);
      const base = { scope: SCOPE, c: 'notes', actor: ann, schemas, nowMs: T0 };
      expect(await storage.rollback({ ...base, id: 'n1', toVersion: 9 })).toMatchObject({
        error: { code: 'VERSION_NOT_FOUND' },
      });
      expect(await storage.rollback({ ...base, id: 'nope', toVersion: 1 })).toMatchObject({
        error: { code: 'RECORD_NOT_FOUND' },
      });
      expect(await storage.rollback({ ...base, scope: 'x', id: 'n1', toVersion: 1 })).toMatchObject({
        error: { code: 'FORBIDDEN' },
      });
    });

    it('R4.1 rollback is refused while another user locks a field it would change', async () => {
      const storage = get();
      await commitOne(storage, { mutations: [mutation(1, 'n1', 0, [{ k: 'set', f: F.title, v: 'a' }])] });
      await commitOne(storage, { mutations: [mutation(2, 'n1', 1, [{ k: 'set', f: F.title, v: 'b' }])] });
      await storage.acquireLock(lockOf(bob, F.title));
      const outcome = await storage.rollback({
        scope: SCOPE,
        c: 'notes',
        id: 'n1',
        toVersion: 1,
        actor: ann,
        schemas,
        nowMs: T0,
      });
      expect(outcome).toMatchObject({ error: { code: 'FIELD_LOCKED', details: { holder: { name: 'Bob' } } } });
    });
  });
}
