import { jsonEqual } from '@wedsync/merge';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PGLITE_START_TIMEOUT_MS,
  type StoreClient,
  SyncWorld,
  settledWhen,
  storeRecords,
} from './store-sync-fixture.ts';

/**
 * Seeded randomized convergence (DESIGN §8; R4.2, R11.1, R11.2): 3–10 clients of one real server make
 * random edits of all four field kinds while going offline, coming back, reloading (same queue) and
 * letting the network run for random stretches. At the end every replica equals the server's snapshot,
 * every acknowledged mutation was applied exactly once, no text insert and no list append is lost.
 * Reproduce a failure with CONVERGENCE_SEED=<seed printed below>.
 */
const SEED = Number(process.env.CONVERGENCE_SEED ?? Date.now() % 2_147_483_647);
const NUM_RUNS = Number(process.env.CONVERGENCE_RUNS ?? 20);
/** fast-check replay path of one failing run (printed with the seed on failure). */
const PATH = process.env.CONVERGENCE_PATH;
const MAX_ACTIONS = Number(process.env.CONVERGENCE_ACTIONS ?? 40);
const RECORDS = 2;

type Action =
  | { t: 'lww'; c: number; r: number; v: string }
  | { t: 'manual'; c: number; r: number; v: string }
  | { t: 'note'; c: number; r: number; at: number }
  | { t: 'memo'; c: number; r: number; at: number; del: number; ins: string }
  | { t: 'add'; c: number; r: number }
  | { t: 'remove'; c: number; r: number; pick: number }
  | { t: 'offline'; c: number }
  | { t: 'online'; c: number }
  | { t: 'reload'; c: number }
  | { t: 'pause'; turns: number };

const client = fc.nat(9);
const record = fc.nat(RECORDS - 1);
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({ t: fc.constant('lww' as const), c: client, r: record, v: fc.string({ maxLength: 4 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('manual' as const),
      c: client,
      r: record,
      v: fc.constantFrom('jun', 'jul', 'aug'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant('note' as const), c: client, r: record, at: fraction }), weight: 4 },
  {
    arbitrary: fc.record({
      t: fc.constant('memo' as const),
      c: client,
      r: record,
      at: fraction,
      del: fc.nat(3),
      ins: fc.string({ maxLength: 3 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ t: fc.constant('add' as const), c: client, r: record }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('remove' as const), c: client, r: record, pick: fc.nat(20) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('offline' as const), c: client }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('online' as const), c: client }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('reload' as const), c: client }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('pause' as const), turns: fc.integer({ min: 1, max: 30 }) }), weight: 3 },
);

interface Replica {
  userId: string;
  handle: StoreClient;
  online: boolean;
}

/** Reconnects; a replica reloaded while offline has never joined its channel, so it joins. */
function goOnline(replica: Replica): void {
  if (replica.online) return;
  replica.online = true;
  if (replica.handle.channel.state === 'closed') void replica.handle.channel.join();
  else replica.handle.client.connect();
}

/** Lets sockets and the database make progress for `turns` macrotasks (no wall-clock delay). */
async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('Randomized convergence (R4.2, R11.1, R11.2)', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await SyncWorld.start();
  }, PGLITE_START_TIMEOUT_MS);
  afterAll(async () => {
    await world.close();
  });

  it('R11.2 every replica converges to the server; acked mutations applied once; no insert or append lost', async () => {
    console.log(`convergence seed: ${SEED} (CONVERGENCE_SEED=${SEED} to reproduce), runs: ${NUM_RUNS}`);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 10 }),
        fc.array(actionArb, { minLength: 10, maxLength: MAX_ACTIONS }),
        async (n, actions) => {
          world.freshTopic();
          try {
            await runScenario(world, n, actions);
          } finally {
            await world.closeClients();
          }
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true, ...(PATH ? { path: PATH } : {}) },
    );
  }, 240_000);
});

async function runScenario(world: SyncWorld, n: number, actions: Action[]): Promise<void> {
  const ids = Array.from({ length: RECORDS }, (_, i) => world.rid(`r${i}`));
  const replicas: Replica[] = [];
  for (let i = 0; i < n; i++) replicas.push({ userId: `u${i}`, handle: await world.connect(`u${i}`), online: true });
  for (const id of ids) replicas[0]!.handle.store.create('items', id, { title: 'start', notes: '', tags: [] });
  await settledWhen(
    replicas.map((r) => r.handle.store),
    () => replicas.every((r) => ids.every((id) => r.handle.store.record('items', id))),
    'records created everywhere',
  );

  const tokens: string[][] = ids.map(() => []);
  const appended: Set<string>[] = ids.map(() => new Set());
  const removed: Set<string>[] = ids.map(() => new Set());
  const acked = new Map<string, Set<number>>();
  const rejections: string[] = [];
  const watch = (replica: Replica) => {
    const { store } = replica.handle;
    const mids = acked.get(store.clientId) ?? new Set<number>();
    acked.set(store.clientId, mids);
    store.outbox.on('acked', ({ mutation }) => mids.add(mutation.mid));
    store.outbox.on('rejected', (event) => {
      // A manual edit in conflict whose reply was lost to a reload comes back as an unapplied duplicate.
      const manualOnly = event.mutation.ops.every((op) => op.k === 'set' && op.f === 4);
      if (event.code === 'UNKNOWN' && manualOnly) return;
      rejections.push(`${replica.userId} ${event.code}: ${event.message} ${JSON.stringify(event.mutation)}`);
    });
  };
  replicas.forEach(watch);

  let counter = 0;
  for (const action of actions) {
    if (action.t === 'pause') {
      await yieldTurns(action.turns);
      continue;
    }
    const replica = replicas[action.c % n]!;
    const { store, client } = replica.handle;
    if (action.t === 'offline') {
      if (replica.online) await client.disconnect();
      replica.online = false;
      continue;
    }
    if (action.t === 'online') {
      goOnline(replica);
      continue;
    }
    if (action.t === 'reload') {
      const queue = replica.handle.queue;
      await replica.handle.close();
      replica.handle = await world.connect(replica.userId, { queue, online: replica.online });
      watch(replica);
      continue;
    }
    const r = action.r;
    const id = ids[r]!;
    const view = store.record('items', id)!;
    switch (action.t) {
      case 'lww':
        store.set('items', id, 'title', action.v);
        break;
      case 'manual':
        store.set('items', id, 'date', action.v);
        break;
      case 'note': {
        // Insert-only text made of whole tokens: every token must survive exactly once.
        const token = `<${action.c % n}.${++counter}>`;
        const text = String(view.fields.notes ?? '');
        const boundaries = [0, ...[...text.matchAll(/>/g)].map((m) => m.index! + 1)];
        const at = boundaries[Math.floor(action.at * boundaries.length) % boundaries.length]!;
        store.editText('items', id, 'notes', text.slice(0, at) + token + text.slice(at));
        tokens[r]!.push(token);
        break;
      }
      case 'memo': {
        const text = Array.from(String(view.fields.memo ?? ''));
        const at = Math.floor(action.at * (text.length + 1));
        text.splice(at, action.del, ...Array.from(action.ins));
        store.editText('items', id, 'memo', text.join(''));
        break;
      }
      case 'add': {
        const itemId = `i${action.c % n}.${++counter}`;
        store.append('items', id, 'tags', itemId, counter);
        appended[r]!.add(itemId);
        break;
      }
      case 'remove': {
        const items = (view.fields.tags ?? []) as Array<{ id: string }>;
        const item = items[action.pick % Math.max(1, items.length)];
        if (item) {
          store.remove('items', id, 'tags', item.id);
          removed[r]!.add(item.id);
        }
        break;
      }
    }
  }

  for (const replica of replicas) goOnline(replica);
  const stores = () => replicas.map((r) => r.handle.store);
  await settledWhen(
    stores(),
    () => stores().every((s) => s.outbox.entries().length === 0),
    'every queue drained',
    20_000,
  ).catch((error: unknown) => {
    const stuck = replicas
      .filter((r) => r.handle.store.outbox.entries().length > 0)
      .map((r) => ({
        user: r.userId,
        channel: r.handle.channel.state,
        link: r.handle.client.status.state,
        progress: r.handle.store.outbox.progress(),
        lastSeq: r.handle.store.lastSeq(world.topic),
        versions: ids.map((id) => r.handle.store.record('items', id)?.v),
        entries: r.handle.store.outbox
          .entries()
          .map((e) => ({ ...e.mutation, state: e.state, ackedSeq: e.ackedSeq, sentBase: e.sentBase })),
      }));
    throw new Error(`${String(error)}\nstuck: ${JSON.stringify(stuck)}`);
  });
  const server = await world.serverRecords();
  await settledWhen(
    stores(),
    () => stores().every((s) => equalRecords(storeRecords(s), server)),
    'every replica equals the server',
    20_000,
  ).catch((error: unknown) => {
    const differing = replicas
      .filter((r) => !equalRecords(storeRecords(r.handle.store), server))
      .map((r) => ({
        user: r.userId,
        records: [...storeRecords(r.handle.store)],
        lastSeq: r.handle.store.lastSeq(world.topic),
      }));
    throw new Error(
      `${String(error)}\nserver: ${JSON.stringify([...server])}\ndiffering: ${JSON.stringify(differing)}`,
    );
  });

  expect(rejections.join('\n')).toBe('');
  for (const s of stores()) expect(storeRecords(s)).toEqual(server);
  // Exactly once: each acknowledged (clientId, mid) has one committed change in the log.
  const log = await world.storage.changesSince([world.topic], 0, 100_000);
  const committed = new Map<string, number>();
  for (const change of log) {
    const key = `${change.cid?.split(':').slice(1).join(':')}#${change.mid}`;
    committed.set(key, (committed.get(key) ?? 0) + 1);
  }
  for (const count of committed.values()) expect(count).toBe(1);
  for (const [clientId, mids] of acked) for (const mid of mids) expect(committed.get(`${clientId}#${mid}`)).toBe(1);
  ids.forEach((id, r) => {
    const fields = server.get(id)!.fields;
    const notes = String(fields['2'] ?? '');
    for (const token of tokens[r]!) expect(notes.split(token).length - 1, `token ${token} in ${notes}`).toBe(1);
    const kept = ((fields['3'] ?? []) as Array<{ id: string }>).map((item) => item.id).sort();
    expect(kept).toEqual([...appended[r]!].filter((itemId) => !removed[r]!.has(itemId)).sort());
  });
}

function equalRecords(
  a: Map<string, { v: number; fields: Record<string, unknown> }>,
  b: Map<string, { v: number; fields: Record<string, unknown> }>,
): boolean {
  return jsonEqual(Object.fromEntries(a), Object.fromEntries(b));
}
