import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileQueueStorage } from '../src/outbox/file-queue-storage.ts';
import { LocalStorageQueueStorage, type StorageLike } from '../src/outbox/local-storage-queue-storage.ts';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import type { PersistedSyncState, QueueStorage } from '../src/outbox/queue-storage.ts';

/** A stand-in for `window.localStorage` (Node has none): the same string-only API. */
class MapStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wedsync-queue-'));
  tempDirs.push(dir);
  return dir;
}

const state: PersistedSyncState = {
  format: 1,
  clientId: 'client-1',
  lastMid: 3,
  pending: [
    {
      mid: 2,
      c: 'tasks',
      id: 't1',
      base: 0,
      ops: [{ k: 'set', f: 1, v: 'Buy flowers' }],
      topic: 'couple:c1:tasks',
      createdAtMs: 1,
    },
    {
      mid: 3,
      c: 'tasks',
      id: 't1',
      base: 0,
      ops: [{ k: 'text', f: 2, op: [3, 'x'] }],
      topic: 'couple:c1:tasks',
      createdAtMs: 2,
    },
  ],
  lastSeq: { 'couple:c1:tasks': 41 },
  records: [{ topic: 'couple:c1:tasks', c: 'tasks', id: 't0', v: 4, fields: { '1': 'Book venue' } }],
  lastSyncedAtMs: 1_700_000_000_000,
};

const adapters: Array<[string, () => Promise<QueueStorage>]> = [
  ['memory', async () => new MemoryQueueStorage()],
  ['localStorage', async () => new LocalStorageQueueStorage(new MapStorage(), 'queue')],
  ['file', async () => new FileQueueStorage(join(await tempDir(), 'nested', 'queue.json'))],
];

describe.each(adapters)('QueueStorage contract: %s adapter (R11.1)', (_name, make) => {
  it('R11.1 returns null before anything was saved', async () => {
    expect(await (await make()).load()).toBeNull();
  });

  it('R11.1 saves and loads the whole document unchanged', async () => {
    const storage = await make();
    await storage.save(state);
    expect(await storage.load()).toEqual(state);
  });

  it('R11.1 keeps only the last of several saves', async () => {
    const storage = await make();
    const saves = [1, 2, 3].map((n) => storage.save({ ...state, lastMid: 3 + n }));
    await Promise.all(saves);
    expect((await storage.load())?.lastMid).toBe(6);
  });

  it('R11.1 clear removes the document', async () => {
    const storage = await make();
    await storage.save(state);
    await storage.clear();
    expect(await storage.load()).toBeNull();
  });
});

describe('QueueStorage adapters: damage and atomicity (R11.1)', () => {
  it('R11.1 a damaged localStorage document is refused with VALIDATION_FAILED, never half-read', () => {
    const local = new MapStorage();
    const storage = new LocalStorageQueueStorage(local, 'queue');
    local.setItem('queue', '{"format":1,');
    expect(() => storage.load()).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    local.setItem('queue', JSON.stringify({ ...state, pending: [state.pending[1], state.pending[0]] }));
    expect(() => storage.load()).toThrow(/mids are not increasing/);
  });

  it('R11.1 a full localStorage surfaces STORAGE_UNAVAILABLE', () => {
    const full: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(() => new LocalStorageQueueStorage(full).save(state)).toThrow(
      expect.objectContaining({ code: 'STORAGE_UNAVAILABLE' }),
    );
  });

  it('R11.1 the file adapter replaces the file by rename and leaves no temporary files', async () => {
    const dir = await tempDir();
    const storage = new FileQueueStorage(join(dir, 'queue.json'));
    await Promise.all(Array.from({ length: 20 }, (_, n) => storage.save({ ...state, lastMid: 3 + n })));
    expect(await readdir(dir)).toEqual(['queue.json']);
    expect((await storage.load())?.lastMid).toBe(22);
    await writeFile(join(dir, 'queue.json'), 'not json');
    await expect(storage.load()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
