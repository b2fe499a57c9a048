import { randomBytes } from 'node:crypto';
import type { CollectionSchema, Mutation } from '@wedsync/protocol';
import { attachRecordSync, createRealtimeServer, type RecordSync, type Storage } from '@wedsync/server';
import { createPgliteStorage, createPgSqlClient, createPostgresStorage } from '@wedsync/storage-postgres';
import { pino } from 'pino';
import { nowUs } from '../clock/monotonic-clock.ts';
import type { RunningTarget } from './running-target.ts';
import { BENCH_JWT_SECRET, type TargetConfig } from './target-config.ts';

/** The bench's one collection: `title` (field 1) and `stamp` (field 2, the scheduled send time in µs). */
export const BENCH_SCHEMAS: CollectionSchema[] = [
  { name: 'items', fields: { title: { id: 1, kind: 'lww' }, stamp: { id: 2, kind: 'lww' } } },
];

/**
 * Our engine as `npm start` runs it, minus the wedding rules: `createRealtimeServer` with HS256
 * tokens and default limits (optionally no message rate limit), and with `records` the durable
 * record sync on PGlite (in memory) or PostgreSQL (throw-away schema). Extra methods:
 * `commitStamps`, `writeBurst`, `killConnections`.
 */
export async function startWedsyncTarget(config: TargetConfig): Promise<RunningTarget> {
  const server = await createRealtimeServer({
    jwtSecret: BENCH_JWT_SECRET,
    ...(config.noRateLimit ? { rateLimit: false as const } : {}),
    logger: pino({ level: 'error' }),
  });
  // The same listen backlog as the baselines (4096, also RealtimeServer's default; Node's 511 overflows under a connect storm).
  const { port } = await server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  const records = config.records ? await attachRecords(server, config) : undefined;
  // For killConnections (the reconnect storm, which runs with records). Only then: the Set entry and
  // close listener per socket (~250 B) would otherwise be counted in the idle footprint as the server's.
  const sockets = new Set<import('node:net').Socket>();
  if (config.records) {
    server.app.server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  }
  return {
    httpServer: server.app.server,
    url: `ws://127.0.0.1:${port}/socket/websocket`,
    methods: {
      ...(records?.methods ?? {}),
      /** Destroys every TCP connection at once (a network blip, a load balancer restart). */
      killConnections() {
        const killedAtUs = nowUs();
        const killed = sockets.size;
        for (const socket of sockets) socket.destroy();
        return { killedAtUs, killed };
      },
      stats: () => server.stats(),
    },
    connections: () => server.sessionCount,
    async close() {
      await records?.sync.close();
      await server.close();
      await records?.dispose();
    },
  };
}

interface AttachedRecords {
  sync: RecordSync;
  methods: RunningTarget['methods'];
  dispose(): Promise<void>;
}

async function attachRecords(
  server: Awaited<ReturnType<typeof createRealtimeServer>>,
  config: TargetConfig,
): Promise<AttachedRecords> {
  const recordsConfig = config.records!;
  const opened = await openStorage(recordsConfig);
  const stampSeqs: number[] = [];
  const stampAtUs: number[] = [];
  const calls = new Map<string, { count: number; totalUs: number }>();
  // Every storage method is counted and timed (to name the bottleneck); commits are stamped per seq.
  const storage: Storage = new Proxy(opened.storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      return async (...args: unknown[]) => {
        const startUs = nowUs();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const endUs = nowUs();
        const entry = calls.get(name) ?? { count: 0, totalUs: 0 };
        entry.count++;
        entry.totalUs += endUs - startUs;
        calls.set(name, entry);
        if (name === 'commit' && recordsConfig.stampCommits) {
          for (const change of (result as Awaited<ReturnType<Storage['commit']>>).changes) {
            stampSeqs.push(change.seq);
            stampAtUs.push(endUs);
          }
        }
        return result;
      };
    },
  });
  const sync = await attachRecordSync(server, {
    storage,
    schemas: BENCH_SCHEMAS,
    onError: (error, context) => console.error(`[bench target] ${context}:`, error),
  });
  const writerMids = new Map<string, number>();
  return {
    sync,
    dispose: opened.dispose,
    methods: {
      /** The commit times recorded since the last call, as parallel arrays (cleared). */
      commitStamps() {
        const result = { seqs: stampSeqs.splice(0), atUs: stampAtUs.splice(0) };
        return result;
      },
      /**
       * Server-side writes: `perTopic` changes to each topic's scope (one commit per topic, `concurrency`
       * topics at a time, one writer client id per topic so mids rise per client); returns the highest
       * seq per topic.
       */
      async writeBurst(params: { topics: string[]; perTopic: number; concurrency?: number }) {
        const headByTopic: Record<string, number> = {};
        const queue = [...params.topics];
        const worker = async () => {
          for (let topic = queue.shift(); topic !== undefined; topic = queue.shift()) {
            const firstMid = writerMids.get(topic) ?? 0;
            writerMids.set(topic, firstMid + params.perTopic);
            const mutations: Mutation[] = [];
            for (let i = 1; i <= params.perTopic; i++) {
              mutations.push({
                mid: firstMid + i,
                c: 'items',
                id: `${topic}:burst`,
                base: 0,
                ops: [{ k: 'set', f: 1, v: `b${firstMid + i}` }],
              });
            }
            const actor = { userId: 'bench-writer', name: 'Bench writer' };
            const result = await sync.commit({ clientId: `w-${topic}`, actor, scope: topic, mutations });
            headByTopic[topic] = result.changes.at(-1)?.seq ?? 0;
          }
        };
        await Promise.all(Array.from({ length: params.concurrency ?? 4 }, worker));
        return { headByTopic };
      },
      headSeq: () => storage.headSeq(),
      /** Storage calls since the last call (count and mean ms per method), then reset. */
      storageCalls() {
        const result = Object.fromEntries(
          [...calls.entries()].map(([name, { count, totalUs }]) => [
            name,
            { count, meanMs: Math.round(totalUs / count) / 1000 },
          ]),
        );
        calls.clear();
        return result;
      },
    },
  };
}

async function openStorage(
  config: NonNullable<TargetConfig['records']>,
): Promise<{ storage: Storage; dispose(): Promise<void> }> {
  if (config.storage === 'pglite') {
    const storage = await createPgliteStorage({});
    return { storage, dispose: () => storage.close() };
  }
  if (!config.databaseUrl) throw new Error('records.storage postgres needs databaseUrl');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const storage = await createPostgresStorage({ connectionString: config.databaseUrl, schema, poolSize: 10 });
  return {
    storage,
    async dispose() {
      await storage.close();
      const sql = await createPgSqlClient({ connectionString: config.databaseUrl! });
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    },
  };
}
