import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPgliteStorage } from '../src/index.ts';
import { commitOne, F, mutation } from './contract-fixture.ts';
import { runStorageContract } from './storage-contract.ts';

runStorageContract(
  'PGlite (in memory)',
  () => createPgliteStorage(),
  (storage) => storage.close(),
  {
    concurrentCommits: 40,
    committers: 4,
  },
);

describe('PGlite storage files', () => {
  it('R11.2 keeps records, log, replay state and seq across close and reopen of one dataDir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wedsync-pglite-'));
    try {
      const first = await createPgliteStorage({ dataDir });
      await commitOne(first, { mutations: [mutation(7, 'n1', 0, [{ k: 'set', f: F.title, v: 'kept' }])] });
      await first.close();

      const reopened = await createPgliteStorage({ dataDir });
      try {
        expect((await reopened.getRecord('notes', 'n1'))?.fields[F.title]).toBe('kept');
        expect(await reopened.headSeq()).toBe(1);
        expect(await reopened.lastMutationId('client-ann')).toBe(7);
        expect(await commitOne(reopened, { mutations: [mutation(7, 'n1', 0, [])] })).toEqual({
          mid: 7,
          status: 'duplicate',
          v: 1,
          seq: 1,
        });
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
