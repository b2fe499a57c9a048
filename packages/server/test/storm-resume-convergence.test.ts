import type { Mutation, MutationResult } from '@wedsync/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

/** Readers of one room; those dropped together come back at once and share replay reads (issue 9). */
const READERS = 6;

type Action =
  | { kind: 'write'; node: 0 | 1; count: number }
  /** The chosen readers that are connected lose their connection. */
  | { kind: 'drop'; readers: boolean[] }
  /** The chosen readers that are away reconnect at once, each on the given node, resuming from its last seq. */
  | { kind: 'return'; readers: boolean[]; nodes: (0 | 1)[] }
  | { kind: 'settle' };

const node = fc.constantFrom(0 as const, 1 as const);
const chosen = fc.array(fc.boolean(), { minLength: READERS, maxLength: READERS });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), node, count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('drop' as const), readers: chosen }),
  fc.record({
    kind: fc.constant('return' as const),
    readers: chosen,
    nodes: fc.array(node, { minLength: READERS, maxLength: READERS }),
  }),
  fc.record({ kind: fc.constant('settle' as const) }),
);

interface Reader {
  /** Undefined while away. */
  client: SyncTestClient | undefined;
  /** Seqs received by the reader's earlier connections. */
  received: number[];
}

describe('randomised reconnect storms across two nodes', () => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('R11.2 issue 9 readers that drop and reconnect together, while writes go on, each get every change once, in order', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
    console.log(`storm-resume-convergence fast-check seed: ${seed} (rerun with FC_SEED=${seed})`);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 10 }), async (actions) => {
        const names = testNames();
        const hub = new InProcessBusHub();
        const nodes: SyncNode[] = [
          await startSyncNode(storage, { bus: hub.createBus() }),
          await startSyncNode(storage, { bus: hub.createBus() }),
        ];
        try {
          const writers = [await nodes[0]!.connect('w0'), await nodes[1]!.connect('w1')];
          for (const writer of writers) await writer.join(names.topic);
          const readers: Reader[] = [];
          for (let i = 0; i < READERS; i++) {
            const client = await nodes[i % 2]!.connect(`reader-${i}`);
            await client.join(names.topic, { since: 0 });
            readers.push({ client, received: [] });
          }
          const all = (reader: Reader) => [
            ...reader.received,
            ...(reader.client?.changes(names.topic).map((change) => change.seq) ?? []),
          ];
          const drop = async (dropped: Reader[]) => {
            // Leave first, so everything sent before has arrived.
            await Promise.all(dropped.map((reader) => reader.client?.leave(names.topic)));
            for (const reader of dropped) {
              reader.received = all(reader);
              await reader.client?.close();
              reader.client = undefined;
            }
          };
          const comeBack = async (returning: Reader[], at: (i: number) => 0 | 1) => {
            const clients = await Promise.all(returning.map((_, i) => nodes[at(i)]!.connect(`reader-${i}`)));
            await Promise.all(
              returning.map((reader, i) => {
                reader.client = clients[i]!;
                return reader.client.join(names.topic, { since: Math.max(0, ...reader.received) });
              }),
            );
          };
          const committed: number[] = [];
          const inFlight: Promise<void>[] = [];
          const mids = [0, 0];
          let nextId = 0;
          const write = async (at: 0 | 1, count: number) => {
            const mutations: Mutation[] = Array.from({ length: count }, () => ({
              mid: ++mids[at]!,
              c: 'items',
              id: names.rid(`x${nextId++}`),
              base: 0,
              ops: sets({ [F.count]: nextId }),
            }));
            const reply = await writers[at]!.mutate(names.topic, names.cid(`w${at}`), mutations);
            for (const result of reply.response.results)
              committed.push((result as Extract<MutationResult, { status: 'applied' }>).seq);
          };
          for (const step of actions) {
            if (step.kind === 'write') inFlight.push(write(step.node, step.count));
            else if (step.kind === 'settle') await Promise.all(inFlight);
            else if (step.kind === 'drop') {
              await drop(readers.filter((reader, i) => step.readers[i] && reader.client));
            } else {
              const returning = readers.filter((reader, i) => step.readers[i] && !reader.client);
              await comeBack(returning, (i) => step.nodes[i]!);
            }
          }
          await comeBack(
            readers.filter((reader) => !reader.client),
            (i) => (i % 2) as 0 | 1,
          );
          await Promise.all(inFlight);
          const expected = [...committed].sort((x, y) => x - y);
          const last = expected.at(-1) ?? 0;
          for (const reader of readers) {
            if (last > Math.max(0, ...all(reader))) await reader.client?.waitForSeq(names.topic, last);
            expect(all(reader)).toEqual(expected);
          }
        } finally {
          await Promise.all(nodes.map((each) => each.close()));
        }
      }),
      { seed, numRuns: Number(process.env.FC_RUNS ?? 8) },
    );
  }, 180_000);
});
