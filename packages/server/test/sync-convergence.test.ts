import type { Mutation, MutationResult } from '@wedsync/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

type Action = { kind: 'write'; node: 0 | 1; count: number } | { kind: 'rejoin'; node: 0 | 1 } | { kind: 'settle' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    node: fc.constantFrom(0 as const, 1 as const),
    count: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('rejoin' as const), node: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant('settle' as const) }),
);

describe('randomised resume convergence across two nodes', () => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('R11.2 a reader that keeps leaving and rejoining (on either node) with `since` gets every change once, in order', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
    console.log(`sync-convergence fast-check seed: ${seed} (rerun with FC_SEED=${seed})`);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 12 }), async (actions) => {
        const names = testNames();
        const hub = new InProcessBusHub();
        const nodes: SyncNode[] = [
          await startSyncNode(storage, { bus: hub.createBus() }),
          await startSyncNode(storage, { bus: hub.createBus() }),
        ];
        try {
          const writers = [await nodes[0]!.connect('w0'), await nodes[1]!.connect('w1')];
          for (const writer of writers) await writer.join(names.topic);
          let reader: SyncTestClient = await nodes[0]!.connect('reader');
          await reader.join(names.topic, { since: 0 });
          const received: number[] = [];
          const lastSeen = () => Math.max(0, ...received, ...reader.changes(names.topic).map((change) => change.seq));
          const committed: number[] = [];
          const inFlight: Promise<void>[] = [];
          const mids = [0, 0];
          let nextId = 0;
          const write = async (node: 0 | 1, count: number) => {
            const mutations: Mutation[] = Array.from({ length: count }, () => ({
              mid: ++mids[node]!,
              c: 'items',
              id: names.rid(`x${nextId++}`),
              base: 0,
              ops: sets({ [F.count]: nextId }),
            }));
            const reply = await writers[node]!.mutate(names.topic, names.cid(`w${node}`), mutations);
            for (const result of reply.response.results)
              committed.push((result as Extract<MutationResult, { status: 'applied' }>).seq);
          };
          for (const step of actions) {
            if (step.kind === 'write') inFlight.push(write(step.node, step.count));
            else if (step.kind === 'settle') await Promise.all(inFlight);
            else {
              // Leave (everything sent before the leave reply has arrived), then resume from the last seq seen.
              await reader.leave(names.topic);
              received.push(...reader.changes(names.topic).map((change) => change.seq));
              const since = lastSeen();
              await reader.close();
              reader = await nodes[step.node]!.connect('reader');
              await reader.join(names.topic, { since });
            }
          }
          await Promise.all(inFlight);
          const expected = [...committed].sort((x, y) => x - y);
          const last = expected.at(-1) ?? 0;
          if (last > lastSeen()) await reader.waitForSeq(names.topic, last);
          received.push(...reader.changes(names.topic).map((change) => change.seq));
          expect(received).toEqual(expected);
        } finally {
          await Promise.all(nodes.map((node) => node.close()));
        }
      }),
      { seed, numRuns: Number(process.env.FC_RUNS ?? 8) },
    );
  }, 120_000);
});
