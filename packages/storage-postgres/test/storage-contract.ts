import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { SqlStorage } from '../src/index.ts';
import { describeDerived } from './contract-derived.ts';
import { resetStorage } from './contract-fixture.ts';
import { describeGroupCommit } from './contract-group-commit.ts';
import { describeLocksAndHistory } from './contract-locks-history.ts';
import { describeLog } from './contract-log.ts';
import { describeMutations } from './contract-mutations.ts';
import { describeWithinCommit } from './contract-within-commit.ts';

export interface StorageContractOptions {
  /** Commits run by the concurrency test; default 120. */
  concurrentCommits?: number;
  /** Concurrent committers; default 8. */
  committers?: number;
}

/**
 * The Storage contract (DESIGN §5), run against every adapter. One storage is made per suite (PGlite
 * start-up is slow) and emptied before each test; `dispose` closes it and drops its data.
 */
export function runStorageContract(
  name: string,
  makeStorage: () => Promise<SqlStorage>,
  dispose: (storage: SqlStorage) => Promise<void>,
  options: StorageContractOptions = {},
): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: SqlStorage | undefined;
    const get = (): SqlStorage => {
      if (!storage) throw new Error('storage not ready');
      return storage;
    };
    beforeAll(async () => {
      storage = await makeStorage();
    }, 120_000);
    afterAll(async () => {
      if (storage) await dispose(storage);
    });
    beforeEach(async () => {
      await resetStorage(get());
    });
    describeMutations(get);
    describeLocksAndHistory(get);
    describeGroupCommit(get);
    describeDerived(get);
    describeWithinCommit(get);
    describeLog(get, { concurrentCommits: options.concurrentCommits ?? 120, committers: options.committers ?? 8 });
  });
}
