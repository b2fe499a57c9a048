import type { Mutation } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import type { CommitRequest, CommitResult } from '../../server/src/storage/storage.ts';
import { CommitQueue } from '../src/commit-queue.ts';
import { ann, schemas, T0 } from './contract-fixture.ts';

function request(clientId: string, mutationCount = 1): CommitRequest {
  const mutations: Mutation[] = Array.from({ length: mutationCount }, (_, index) => ({
    mid: index + 1,
    c: 'notes',
    id: `${clientId}-${index}`,
    base: 0,
    ops: [],
  }));
  return { clientId, actor: ann, scope: 'wedding:w1', mutations, schemas, nowMs: T0 };
}

const resultFor = (item: CommitRequest): CommitResult => ({
  results: item.mutations.map((mutation) => ({ mid: mutation.mid, status: 'duplicate' })),
  changes: [],
});

/** A `runGroup` whose transactions finish only when the test says so. */
function heldGroups(fail?: (requests: readonly CommitRequest[]) => boolean) {
  const groups: { clients: string[]; finish: () => void }[] = [];
  const runGroup = (requests: CommitRequest[]) =>
    new Promise<CommitResult[]>((resolve, reject) => {
      groups.push({
        clients: requests.map((item) => item.clientId),
        finish: () => (fail?.(requests) ? reject(new Error('poisoned')) : resolve(requests.map(resultFor))),
      });
    });
  /** Finishes groups, oldest first, until `count` have been started and finished. */
  const finishUntil = async (count: number) => {
    for (let index = 0; index < count; index++) {
      // The next group starts a few microtasks after the previous one settled.
      for (let turn = 0; !groups[index] && turn < 100; turn++) await Promise.resolve();
      if (!groups[index]) throw new Error(`group ${index} never started`);
      groups[index]!.finish();
    }
  };
  return { groups, runGroup, finishUntil };
}

describe('CommitQueue (group commit, DESIGN §7)', () => {
  it('DESIGN §7 starts a request at once while a slot is free; requests arriving while all slots are busy go together', async () => {
    const { groups, runGroup, finishUntil } = heldGroups();
    const queue = new CommitQueue(runGroup, { concurrency: 2, maxGroupMutations: 1_000 });
    const done = ['a', 'b', 'c', 'd', 'e'].map((client) => queue.commit(request(client)));
    expect(groups.map((group) => group.clients)).toEqual([['a'], ['b']]);
    await finishUntil(3);
    await Promise.all(done);
    expect(groups.map((group) => group.clients)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('DESIGN §7 a group stops at maxGroupMutations; a larger request goes alone', async () => {
    const { groups, runGroup, finishUntil } = heldGroups();
    const queue = new CommitQueue(runGroup, { concurrency: 1, maxGroupMutations: 10 });
    const done = [
      queue.commit(request('first')),
      queue.commit(request('a', 4)),
      queue.commit(request('b', 6)),
      queue.commit(request('c', 1)),
      queue.commit(request('huge', 30)),
    ];
    await finishUntil(4);
    await Promise.all(done);
    expect(groups.map((group) => group.clients)).toEqual([['first'], ['a', 'b'], ['c'], ['huge']]);
  });

  it('DESIGN §7 a failed group is retried request by request: only the failing request rejects, the rest resolve in order', async () => {
    const { groups, runGroup, finishUntil } = heldGroups((requests) =>
      requests.some((item) => item.clientId === 'poison'),
    );
    const queue = new CommitQueue(runGroup, { concurrency: 1, maxGroupMutations: 1_000 });
    const settledOrder: string[] = [];
    const done = ['first', 'a', 'poison', 'b'].map((client) =>
      queue.commit(request(client)).then(
        (result) => {
          settledOrder.push(client);
          return result;
        },
        (error: unknown) => {
          settledOrder.push(`${client}!`);
          throw error;
        },
      ),
    );
    await finishUntil(5);
    const settled = await Promise.allSettled(done);
    expect(settled.map((item) => item.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(groups.map((group) => group.clients)).toEqual([['first'], ['a', 'poison', 'b'], ['a'], ['poison'], ['b']]);
    expect(settledOrder).toEqual(['first', 'a', 'poison!', 'b']);
  });
});
