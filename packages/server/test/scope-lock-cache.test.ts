import { describe, expect, it } from 'vitest';
import { ScopeLockCache } from '../src/locks/scope-lock-cache.ts';
import type { LockRow } from '../src/storage/storage.ts';

const lock = (id: string, expiresAtMs: number, scope = 's1'): LockRow => ({
  scope,
  c: 'items',
  id,
  holder: { userId: 'u', name: 'U' },
  expiresAtMs,
});

/** A cache over a lock table in memory whose reads wait until `settle`; `reads` counts them. */
function setup(maxAgeMs?: number) {
  let nowMs = 1_000;
  let table: LockRow[] = [];
  const waiting: (() => void)[] = [];
  let reads = 0;
  let failNext = false;
  const cache = new ScopeLockCache({
    read: (scope) => {
      reads++;
      const rows = table.filter((row) => row.scope === scope);
      const fail = failNext;
      failNext = false;
      return new Promise((resolve, reject) => {
        waiting.push(() => (fail ? reject(new Error('storage down')) : resolve(rows)));
      });
    },
    nowMs: () => nowMs,
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
  });
  return {
    cache,
    reads: () => reads,
    setTable(rows: LockRow[]) {
      table = rows;
    },
    advance(ms: number) {
      nowMs += ms;
    },
    failNextRead() {
      failNext = true;
    },
    /** Completes every read begun so far. */
    async settle() {
      for (const done of waiting.splice(0)) done();
      for (let turn = 0; turn < 5; turn++) await undefined;
    },
  };
}

describe('ScopeLockCache: a scope’s locks read once for the members joining its channels (issue 9)', () => {
  it('issue 9 members joining while the read runs and after it completed share it', async () => {
    const { cache, reads, setTable, settle } = setup();
    setTable([lock('r1', 60_000)]);
    const during = [cache.get('s1'), cache.get('s1')];
    await settle();
    expect(await Promise.all(during)).toEqual([[lock('r1', 60_000)], [lock('r1', 60_000)]]);
    expect(await cache.get('s1')).toEqual([lock('r1', 60_000)]);
    expect(reads()).toBe(1);
  });

  it('issue 9 R4.1 a lock change of the scope, even during the read, makes later joiners read again', async () => {
    const { cache, reads, setTable, settle } = setup();
    const first = cache.get('s1');
    setTable([lock('r1', 60_000)]);
    cache.noteChange('s1');
    const second = cache.get('s1');
    await settle();
    expect(await first).toEqual([]);
    expect(await second).toEqual([lock('r1', 60_000)]);
    expect(reads()).toBe(2);
    cache.noteChange('s2');
    expect(await cache.get('s1')).toEqual([lock('r1', 60_000)]);
    expect(reads()).toBe(2);
  });

  it('issue 9 R4.1 a bus status change makes every scope read again (notices may have been lost)', async () => {
    const { cache, reads, settle } = setup();
    const before = cache.get('s1');
    await settle();
    await before;
    cache.noteBusChange();
    const after = cache.get('s1');
    await settle();
    await after;
    expect(reads()).toBe(2);
  });

  it('issue 9 R4.1 a read older than the maximum age is not shared (renewals are not announced)', async () => {
    const { cache, reads, advance, settle } = setup(1_000);
    const first = cache.get('s1');
    await settle();
    await first;
    advance(1_000);
    await cache.get('s1');
    expect(reads()).toBe(1);
    advance(1);
    const late = cache.get('s1');
    await settle();
    await late;
    expect(reads()).toBe(2);
  });

  it('issue 9 R4.1 a lock expired since the read is left out', async () => {
    const { cache, setTable, advance, settle } = setup(10_000);
    setTable([lock('r1', 1_500), lock('r2', 60_000)]);
    const first = cache.get('s1');
    await settle();
    expect(await first).toEqual([lock('r1', 1_500), lock('r2', 60_000)]);
    advance(500);
    expect(await cache.get('s1')).toEqual([lock('r2', 60_000)]);
  });

  it('issue 9 a failed read is not kept', async () => {
    const { cache, reads, failNextRead, settle } = setup();
    failNextRead();
    const failing = cache.get('s1');
    await settle();
    await expect(failing).rejects.toThrow('storage down');
    const next = cache.get('s1');
    await settle();
    expect(await next).toEqual([]);
    expect(reads()).toBe(2);
  });
});
