/**
 * What the R14.1 audit trail costs record sync (issue 10 acceptance: under 10 % of mutation throughput).
 *
 * Scenario: N clients join one channel and each sends M mutations in batches of B, one batch in flight
 * per client (as sync-throughput.ts), once without an audit sink and once with the app's setup: an
 * `AuditTrail` (1 s / 500-event batches) writing to `SqlAuditStore` in the same database, with a tenant
 * resolver, on both the engine and record sync, and every applied mutation copied from the change log
 * into the trail (`backfillApplied`, every 10 s as in the app, and once after the last ack). Rounds alternate
 * off/on on one storage so drift hits both; the figure is the median of the rounds.
 * Figures: committed mutations/s off and on; process CPU per mutation off and on (server, clients and
 * PGlite share this process, so this is the cost in work, steadier than wall-clock on a shared machine);
 * audit events written per round; how long writing the rest of the trail took after the last ack.
 *
 * Run: `node --import tsx bench/audit-cost.ts [--clients=10] [--mutations=200] [--batch=1,10]
 * [--rounds=9] [--no-postgres] [--no-pglite]` (PGlite in memory; PostgreSQL too when DATABASE_URL is set, in a
 * throw-away schema).
 */
import { randomBytes } from 'node:crypto';
import { compileSchemas } from '@wedsync/merge';
import type { CollectionSchema, Mutation } from '@wedsync/protocol';
import { AuditTrail, attachRecordSync, createRealtimeServer } from '@wedsync/server';
import {
  AUDIT_MIGRATIONS,
  createPgliteStorage,
  createPgSqlClient,
  createPostgresStorage,
  SqlAuditStore,
  type SqlStorage,
} from '@wedsync/storage-postgres';
import { SignJWT } from 'jose';
import WebSocket from 'ws';

const SECRET = 'audit-bench-secret-of-at-least-32-bytes-long';
const TOPIC = 'wedding:bench';
const SCHEMAS: CollectionSchema[] = [
  { name: 'items', fields: { title: { id: 1, kind: 'lww' }, count: { id: 2, kind: 'lww' } } },
];

function listArgument(name: string, fallback: number[]): number[] {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? fallback : raw.split(',').map(Number);
}

/** A lean Phoenix v2 client: join, then batches of mutations with one in flight. */
class BenchClient {
  private ref = 0;
  private readonly replies = new Map<string, () => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const [, ref, , event] = JSON.parse(String(data)) as [unknown, string | null, string, string];
      if (event === 'phx_reply' && ref) this.replies.get(ref)?.();
    });
  }

  static async connect(wsUrl: string, userId: string): Promise<BenchClient> {
    const token = await new SignJWT({ name: userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const socket = new WebSocket(`${wsUrl}?vsn=2.0.0&access_token=${token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new BenchClient(socket);
  }

  request(event: string, payload: unknown): Promise<void> {
    const ref = String(++this.ref);
    const replied = new Promise<void>((resolve) => this.replies.set(ref, resolve));
    this.socket.send(JSON.stringify([event === 'phx_join' ? ref : '1', ref, TOPIC, event, payload]));
    return replied.finally(() => this.replies.delete(ref));
  }

  close(): void {
    this.socket.close();
  }
}

interface Round {
  mutationsPerSecond: number;
  /** Process CPU (server, clients, PGlite) per mutation, from the first send until the trail was written. */
  cpuMicrosPerMutation: number;
  auditWritten: number;
  auditDropped: number;
  drainMs: number;
}

async function round(storage: SqlStorage, audited: boolean, clients: number, perClient: number, batch: number) {
  const store = new SqlAuditStore(storage.sql);
  const tenantOf = ({ topic, scope }: { topic?: string; scope?: string }) => topic ?? scope ?? null;
  const trail = audited
    ? new AuditTrail({
        store,
        tenantOf,
        appliedChangesFromLog: true,
        onError: (error, context) => console.error(context, error),
      })
    : undefined;
  let importing: Promise<number> | undefined;
  let imported = 0;
  const importApplied = () => {
    importing ??= store
      .backfillApplied({ tenantOf })
      .then((count) => {
        imported += count;
        return count;
      })
      .finally(() => {
        importing = undefined;
      });
    return importing;
  };
  // The previous (unaudited) round's changes are not this round's cost.
  if (audited) await importApplied();
  imported = 0;
  const server = await createRealtimeServer({
    jwtSecret: SECRET,
    rateLimit: false,
    maxConnectionsPerUser: 1_000,
    audit: trail,
  });
  const sync = await attachRecordSync(server, {
    storage,
    schemas: SCHEMAS,
    audit: trail,
    onError: (error, context) => console.error(context, error),
  });
  const { wsUrl } = await server.listen({ port: 0, host: '127.0.0.1' });
  const members = await Promise.all(
    Array.from({ length: clients }, (_, index) => BenchClient.connect(wsUrl, `user-${index}`)),
  );
  await Promise.all(members.map((member) => member.request('phx_join', { config: {} })));
  const tag = randomBytes(4).toString('hex');
  const cpuBefore = process.cpuUsage();
  const startedAtMs = performance.now();
  const importer = audited ? setInterval(() => void importApplied(), 10_000) : undefined;
  await Promise.all(
    members.map(async (member, c) => {
      for (let sent = 0; sent < perClient; sent += batch) {
        const mutations: Mutation[] = [];
        for (let i = sent; i < Math.min(perClient, sent + batch); i++) {
          mutations.push({ mid: i + 1, c: 'items', id: `${tag}-${c}-${i}`, base: 0, ops: [{ k: 'set', f: 1, v: i }] });
        }
        await member.request('sync_mutate', { clientId: `${tag}-${c}`, mutations });
      }
    }),
  );
  const ackedAtMs = performance.now();
  clearInterval(importer);
  await trail?.flush();
  if (audited) {
    await importing;
    await importApplied();
  }
  const drainMs = performance.now() - ackedAtMs;
  const cpu = process.cpuUsage(cpuBefore);
  for (const member of members) member.close();
  await sync.close();
  await server.close();
  await trail?.close();
  const stats = trail?.stats();
  return {
    mutationsPerSecond: (clients * perClient) / ((ackedAtMs - startedAtMs) / 1_000),
    cpuMicrosPerMutation: (cpu.user + cpu.system) / (clients * perClient),
    auditWritten: (stats?.written ?? 0) + imported,
    auditDropped: stats?.dropped ?? 0,
    drainMs,
  } satisfies Round;
}

/**
 * The same work without sockets: committing K mutations in batches of B straight through storage, then
 * importing them into the trail. Both run back to back on one database, so their ratio is steady.
 */
async function isolated(storage: SqlStorage, mutations: number, batch: number) {
  const schemas = compileSchemas(SCHEMAS);
  const store = new SqlAuditStore(storage.sql);
  const tenantOf = ({ scope }: { scope?: string }) => scope ?? null;
  await store.backfillApplied({ tenantOf });
  const tag = randomBytes(4).toString('hex');
  const commitStart = performance.now();
  for (let sent = 0; sent < mutations; sent += batch) {
    const chunk: Mutation[] = [];
    for (let i = sent; i < Math.min(mutations, sent + batch); i++) {
      chunk.push({ mid: i + 1, c: 'items', id: `${tag}-${i}`, base: 0, ops: [{ k: 'set', f: 1, v: i }] });
    }
    await storage.commit({
      clientId: `u:${tag}`,
      actor: { userId: 'u', name: 'u' },
      scope: TOPIC,
      mutations: chunk,
      schemas,
      nowMs: Date.now(),
    });
  }
  const commitUs = ((performance.now() - commitStart) * 1_000) / mutations;
  const importStart = performance.now();
  const imported = await store.backfillApplied({ tenantOf });
  const importUs = ((performance.now() - importStart) * 1_000) / mutations;
  if (imported !== mutations) throw new Error(`imported ${imported} of ${mutations}`);
  return { commitUs, importUs };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const [clients = 10] = listArgument('clients', [10]);
const [perClient = 100] = listArgument('mutations', [100]);
const [rounds = 9] = listArgument('rounds', [9]);
const batches = listArgument('batch', [1, 10]);

const backends: { name: string; open: () => Promise<SqlStorage>; dispose: (storage: SqlStorage) => Promise<void> }[] =
  [];
if (!process.argv.includes('--no-pglite')) {
  backends.push({
    name: 'pglite',
    open: () => createPgliteStorage({ migrations: [AUDIT_MIGRATIONS] }),
    dispose: (storage) => storage.close(),
  });
}
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && !process.argv.includes('--no-postgres')) {
  const schema = `bench_audit_${randomBytes(4).toString('hex')}`;
  backends.push({
    name: 'postgres',
    open: () =>
      createPostgresStorage({ connectionString: databaseUrl, schema, poolSize: 10, migrations: [AUDIT_MIGRATIONS] }),
    async dispose(storage) {
      await storage.close();
      const sql = await createPgSqlClient({ connectionString: databaseUrl });
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    },
  });
}

console.log(
  `audit-cost: ${clients} clients × ${perClient} mutations, one batch in flight per client, ${rounds} rounds off/on (median)`,
);
console.log(
  'storage   batch  off mut/s   on mut/s  thr. cost  off CPU µs/mut  on CPU µs/mut  CPU cost  audit events  dropped  drain',
);
let worstCpu = 0;
const isolatedRows: string[] = [];
for (const backend of backends) {
  const storage = await backend.open();
  try {
    await round(storage, false, clients, Math.min(perClient, 20), 1); // warm-up (JIT, connections)
    for (const batch of batches) {
      const off: Round[] = [];
      const on: Round[] = [];
      for (let index = 0; index < rounds; index++) {
        // Alternate which goes first so drift (log growth, GC) does not favour one side.
        const order = index % 2 === 0 ? [false, true] : [true, false];
        for (const audited of order)
          (audited ? on : off).push(await round(storage, audited, clients, perClient, batch));
      }
      const alone = [];
      for (let index = 0; index < 3; index++) alone.push(await isolated(storage, 1_000, batch));
      isolatedRows.push(
        [
          backend.name.padEnd(9),
          String(batch).padStart(5),
          median(alone.map((r) => r.commitUs))
            .toFixed(0)
            .padStart(16),
          median(alone.map((r) => r.importUs))
            .toFixed(0)
            .padStart(17),
          `${((median(alone.map((r) => r.importUs)) / median(alone.map((r) => r.commitUs))) * 100).toFixed(1)} %`.padStart(
            8,
          ),
        ].join(' '),
      );
      const offRate = median(off.map((r) => r.mutationsPerSecond));
      const onRate = median(on.map((r) => r.mutationsPerSecond));
      const cost = (1 - onRate / offRate) * 100;
      const offCpu = median(off.map((r) => r.cpuMicrosPerMutation));
      const onCpu = median(on.map((r) => r.cpuMicrosPerMutation));
      const cpuCost = (onCpu / offCpu - 1) * 100;
      worstCpu = Math.max(worstCpu, cpuCost);
      console.log(
        [
          backend.name.padEnd(9),
          String(batch).padStart(5),
          offRate.toFixed(0).padStart(10),
          onRate.toFixed(0).padStart(10),
          `${cost.toFixed(1)} %`.padStart(10),
          offCpu.toFixed(0).padStart(15),
          onCpu.toFixed(0).padStart(14),
          `${cpuCost.toFixed(1)} %`.padStart(9),
          median(on.map((r) => r.auditWritten))
            .toFixed(0)
            .padStart(13),
          String(Math.max(...on.map((r) => r.auditDropped))).padStart(8),
          `${median(on.map((r) => r.drainMs)).toFixed(0)} ms`.padStart(6),
        ].join(' '),
      );
    }
  } finally {
    await backend.dispose(storage);
  }
}
console.log('\nthe same work without sockets (median of 3 × 1 000 mutations): commit vs copying it into the trail');
console.log('storage   batch  commit µs/mut  import µs/mut   share');
for (const row of isolatedRows) console.log(row);
console.log(
  `worst CPU cost per mutation: ${worstCpu.toFixed(1)} % (target < 10 %). Wall-clock throughput on a shared machine ` +
    'swings by more than the audit costs; the CPU figure (server, clients and PGlite share this process) is the stable one.',
);
