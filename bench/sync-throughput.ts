/**
 * Record-sync throughput and latency through the whole engine: WebSocket → `sync_mutate` → storage
 * commit (merge, log append, replay protection) → ack, and commit → log read → `sync_changes` frame at
 * every subscriber. Server and clients share this one process (so client work competes with the
 * server for the CPU, as the figures then understate a dedicated server).
 *
 * Scenario: N clients join one channel; each sends M mutations in batches of B, one batch in flight
 * per client (the offline queue's behaviour); every client is also a subscriber, so each change is
 * delivered N times.
 * Figures: committed mutations/s; ack round trip (send → ok reply) p50/p95/p99; commit → subscriber
 * p50/p95/p99, from the moment `storage.commit` resolved to the frame's arrival at each subscriber.
 *
 * Run: `node --import tsx bench/sync-throughput.ts` (PGlite in memory; PostgreSQL too when
 * DATABASE_URL is set, in a throw-away schema). Options: `--clients=10,50 --mutations=100 --batch=1,10
 * --no-postgres`.
 */
import { randomBytes } from 'node:crypto';
import type { ChangesPayload, CollectionSchema, Mutation } from '@wedsync/protocol';
import { attachRecordSync, createRealtimeServer, type Storage } from '@wedsync/server';
import { createPgliteStorage, createPgSqlClient, createPostgresStorage } from '@wedsync/storage-postgres';
import { build, type Histogram } from 'hdr-histogram-js';
import { SignJWT } from 'jose';
import WebSocket from 'ws';

const SECRET = 'sync-bench-secret-of-at-least-32-bytes-long!';
const TOPIC = 'wedding:bench';
const SCHEMAS: CollectionSchema[] = [
  {
    name: 'items',
    fields: { title: { id: 1, kind: 'lww' }, count: { id: 2, kind: 'lww' }, notes: { id: 3, kind: 'text' } },
  },
];

function listArgument(name: string, fallback: number[]): number[] {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? fallback : raw.split(',').map(Number);
}

const histogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

/** A lean Phoenix v2 client: join, batches of mutations with one in flight, counts delivered changes. */
class BenchClient {
  private ref = 0;
  private readonly replies = new Map<string, () => void>();
  private deliveredChanges = 0;
  private wanted = 0;
  private allDelivered: (() => void) | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly onChanges: (changes: ChangesPayload['changes'], arrivedAtMs: number) => void,
  ) {
    socket.on('message', (data) => {
      const arrivedAtMs = performance.now();
      const [, ref, , event, payload] = JSON.parse(String(data)) as [unknown, string | null, string, string, unknown];
      if (event === 'phx_reply' && ref) this.replies.get(ref)?.();
      else if (event === 'sync_changes') {
        const { changes } = payload as ChangesPayload;
        this.onChanges(changes, arrivedAtMs);
        this.deliveredChanges += changes.length;
        if (this.allDelivered && this.deliveredChanges >= this.wanted) this.allDelivered();
      }
    });
  }

  static async connect(wsUrl: string, userId: string, onChanges: BenchClient['onChanges']): Promise<BenchClient> {
    const token = await new SignJWT({ name: userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const socket = new WebSocket(`${wsUrl}?vsn=2.0.0&access_token=${token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new BenchClient(socket, onChanges);
  }

  request(event: string, payload: unknown, joinRef: string | null = '1'): Promise<void> {
    const ref = String(++this.ref);
    const replied = new Promise<void>((resolve) => this.replies.set(ref, resolve));
    this.socket.send(JSON.stringify([event === 'phx_join' ? ref : joinRef, ref, TOPIC, event, payload]));
    return replied.finally(() => this.replies.delete(ref));
  }

  /** Resolves once `total` changes have arrived (counting from the start). */
  deliveredAtLeast(total: number): Promise<void> {
    this.wanted = total;
    if (this.deliveredChanges >= total) return Promise.resolve();
    return new Promise((resolve) => {
      this.allDelivered = resolve;
    });
  }

  close(): void {
    this.socket.close();
  }
}

interface Result {
  storage: string;
  clients: number;
  batch: number;
  mutations: number;
  mutationsPerSecond: number;
  ack: Histogram;
  delivery: Histogram;
  deliveredBeforeCommitReturned: number;
}

async function run(
  storageName: string,
  inner: Storage,
  clients: number,
  perClient: number,
  batch: number,
): Promise<Result> {
  const commitDoneAtMs = new Map<number, number>();
  const storage: Storage = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'commit') {
        return async (request: Parameters<Storage['commit']>[0]) => {
          const result = await target.commit(request);
          const now = performance.now();
          for (const change of result.changes) commitDoneAtMs.set(change.seq, now);
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const server = await createRealtimeServer({ jwtSecret: SECRET, rateLimit: false, maxConnectionsPerUser: 1_000 });
  const sync = await attachRecordSync(server, {
    storage,
    schemas: SCHEMAS,
    onError: (error, context) => console.error(context, error),
  });
  const { wsUrl } = await server.listen({ port: 0, host: '127.0.0.1' });
  const ack = histogram();
  const delivery = histogram();
  let early = 0;
  const onChanges = (changes: ChangesPayload['changes'], arrivedAtMs: number) => {
    for (const change of changes) {
      const committedAt = commitDoneAtMs.get(change.seq);
      if (committedAt === undefined) early++;
      delivery.recordValue(Math.max(1, Math.round((arrivedAtMs - (committedAt ?? arrivedAtMs)) * 1_000)));
    }
  };
  const members = await Promise.all(
    Array.from({ length: clients }, (_, i) => BenchClient.connect(wsUrl, `user-${i}`, onChanges)),
  );
  await Promise.all(members.map((member) => member.request('phx_join', { config: {} })));
  const run = randomBytes(4).toString('hex');
  const total = clients * perClient;
  const startedAtMs = performance.now();
  await Promise.all(
    members.map(async (member, c) => {
      for (let sent = 0; sent < perClient; sent += batch) {
        const mutations: Mutation[] = [];
        for (let i = sent; i < Math.min(perClient, sent + batch); i++) {
          mutations.push({
            mid: i + 1,
            c: 'items',
            id: `${run}-${c}-${i}`,
            base: 0,
            ops: [{ k: 'set', f: 1, v: `v${i}` }],
          });
        }
        const sentAtMs = performance.now();
        await member.request('sync_mutate', { clientId: `${run}-${c}`, mutations });
        ack.recordValue(Math.max(1, Math.round((performance.now() - sentAtMs) * 1_000)));
      }
    }),
  );
  const ackedAtMs = performance.now();
  await Promise.all(members.map((member) => member.deliveredAtLeast(total)));
  for (const member of members) member.close();
  await sync.close();
  await server.close();
  return {
    storage: storageName,
    clients,
    batch,
    mutations: total,
    mutationsPerSecond: Math.round(total / ((ackedAtMs - startedAtMs) / 1_000)),
    ack,
    delivery,
    deliveredBeforeCommitReturned: early,
  };
}

const ms = (h: Histogram, percentile: number) => (h.getValueAtPercentile(percentile) / 1_000).toFixed(1);

function print(result: Result): void {
  console.log(
    [
      result.storage.padEnd(10),
      String(result.clients).padStart(7),
      String(result.batch).padStart(5),
      String(result.mutations).padStart(9),
      String(result.mutationsPerSecond).padStart(11),
      `${ms(result.ack, 50)} / ${ms(result.ack, 95)} / ${ms(result.ack, 99)}`.padStart(24),
      `${ms(result.delivery, 50)} / ${ms(result.delivery, 95)} / ${ms(result.delivery, 99)}`.padStart(24),
      String(result.delivery.totalCount).padStart(10),
    ].join(' '),
  );
}

const clientCounts = listArgument('clients', [10, 50]);
const batches = listArgument('batch', [1, 10]);
const [perClient = 100] = listArgument('mutations', [100]);

const backends: { name: string; open: () => Promise<Storage>; dispose: (storage: Storage) => Promise<void> }[] = [
  { name: 'pglite', open: () => createPgliteStorage({}), dispose: (storage) => storage.close() },
];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && !process.argv.includes('--no-postgres')) {
  const schema = `bench_sync_${randomBytes(4).toString('hex')}`;
  backends.push({
    name: 'postgres',
    open: () => createPostgresStorage({ connectionString: databaseUrl, schema, poolSize: 10 }),
    async dispose(storage) {
      await storage.close();
      const sql = await createPgSqlClient({ connectionString: databaseUrl });
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    },
  });
}

console.log(
  `sync-throughput: ${perClient} mutations per client, one batch in flight per client, every client subscribed`,
);
console.log(
  'storage    clients batch mutations  mutations/s   ack ms p50 / p95 / p99  commit→subscriber ms p50/p95/p99  deliveries',
);
for (const backend of backends) {
  const storage = await backend.open();
  try {
    for (const clients of clientCounts)
      for (const batch of batches) print(await run(backend.name, storage, clients, perClient, batch));
  } finally {
    await backend.dispose(storage);
  }
}
