import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncTestClient, TEST_JWT_SECRET } from '../../packages/server/test/fixtures/sync-test-client.ts';
import { freePort } from './free-port.ts';
import { PrivateRedis } from './private-redis.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODES = 2;
/** Two app nodes seeding the demo world on a loaded 2-core machine. */
const START_TIMEOUT_MS = 120_000;
const WEDDING_TOPIC = 'wedding:w-emma-james';

interface Health {
  status: number;
  body: { ok: boolean; bus: { ok: boolean; detail?: string }; checks: Record<string, { ok: boolean }> };
}

/** A base port with `count` consecutive free ports after it (start-cluster uses PORT, PORT+1, …). */
async function consecutiveFreePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    if (base + count > 65_535) continue;
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function healthz(url: string): Promise<Health> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Health['body'] };
}

/** Polls `/healthz` every 100 ms until `predicate` holds. */
async function untilHealth(url: string, predicate: (health: Health) => boolean, timeoutMs = 20_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let last: Health | string = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      last = await healthz(url);
      if (predicate(last)) return last;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/healthz never matched within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/**
 * Issue 6 "Operations" on the real deployable: `npm run start:cluster -- 2` (scripts/start-cluster.mjs,
 * two `apps/server/src/main.ts` nodes) against a database of its own on the shared PostgreSQL server and
 * a private redis-server (so the app's default bus channels cannot meet another run's). Both nodes
 * answer on PORT and PORT+1, say they run on PostgreSQL and the Redis bus, report both healthy, carry a
 * broadcast from one to the other (only the Redis bus carries it), wrote the concurrently seeded demo
 * world once, report the bus down while Redis is down and recover on their own; Ctrl-C stops them all.
 */
describe('issue 6: npm run start:cluster', () => {
  const database = `t_start_cluster_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const adminUrl = process.env.DATABASE_URL ?? '';
  let databaseUrl: string;
  let redis: PrivateRedis;
  let dataDir: string;
  let cluster: ChildProcess | undefined;
  /** Settles once npm, the script and every node are gone (the last holder of the output pipes closed it). */
  let closed: Promise<void>;
  let exited = false;
  const output: string[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
    redis = await PrivateRedis.start();
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-start-cluster-'));
    const basePort = await consecutiveFreePorts(NODES);
    // Its own process group, so the test can stop npm, the script and every node at once.
    cluster = spawn('npm', ['run', 'start:cluster', '--', String(NODES)], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        PORT: String(basePort),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'warn',
        WEB_DIST_DIR: join(dataDir, 'no-web'),
      },
    });
    const child = cluster;
    closed = new Promise((resolve) =>
      child.once('close', () => {
        exited = true;
        resolve();
      }),
    );
    const listening = new Map<number, string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`cluster not listening within ${START_TIMEOUT_MS} ms:\n${output.join('')}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        for (const match of output.join('').matchAll(/listening on (http:\/\/127\.0\.0\.1:(\d+)) \(([^)]*)\)/g)) {
          expect(match[3]).toBe('PostgreSQL, Redis bus');
          listening.set(Number(match[2]), match[1]!);
        }
        if (listening.size < NODES) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      void closed.then(() => {
        clearTimeout(timer);
        reject(new Error(`start:cluster ended before every node listened:\n${output.join('')}`));
      });
    });
    expect([...listening.keys()].sort()).toEqual(Array.from({ length: NODES }, (_, i) => basePort + i));
    urls = [...listening.entries()].sort(([a], [b]) => a - b).map(([, url]) => url);
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    if (cluster?.pid && !exited) {
      try {
        process.kill(-cluster.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
      await closed;
    }
    await redis?.stop();
    await rm(dataDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }, 60_000);

  it('R14.1 every node answers /healthz 200 with the database and the bus healthy', async () => {
    for (const url of urls) {
      const { status, body } = await untilHealth(url, ({ status }) => status === 200);
      expect(status).toBe(200);
      expect(body.bus).toEqual({ ok: true });
      expect(body.checks.storage).toEqual({ ok: true });
    }
  });

  it('R3 a broadcast on one node reaches a member on the other (the nodes share the Redis bus)', async () => {
    const sarah = await SyncTestClient.connect(`${urls[0]!.replace(/^http/, 'ws')}/socket/websocket`, 'u-sarah');
    const emma = await SyncTestClient.connect(`${urls[1]!.replace(/^http/, 'ws')}/socket/websocket`, 'u-emma');
    try {
      await sarah.join(WEDDING_TOPIC);
      await emma.join(WEDDING_TOPIC);
      const heard = emma.waitFor((frame) => frame.topic === WEDDING_TOPIC && frame.event === 'broadcast', 10_000);
      sarah.send(WEDDING_TOPIC, 'broadcast', { type: 'broadcast', event: 'cluster-hello', payload: { from: 'sarah' } });
      const frame = await heard;
      expect(frame.payload).toMatchObject({ event: 'cluster-hello', payload: { from: 'sarah' } });
    } finally {
      await Promise.all([sarah.close(), emma.close()]);
    }
  });

  it('R11.2 the demo world both nodes seeded at once was written once: no client queue and mutation id twice in the log', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const [row] = (
        await client.query<{ changes: string; distinct_mutations: string }>(
          'SELECT count(*) AS changes, count(DISTINCT (cid, mid)) AS distinct_mutations FROM sync_log WHERE cid IS NOT NULL',
        )
      ).rows;
      expect(Number(row?.changes)).toBeGreaterThan(0);
      expect(Number(row?.distinct_mutations)).toBe(Number(row?.changes));
    } finally {
      await client.end();
    }
  });

  it('R14.1 with Redis down every node reports the bus unhealthy (503), and recovers on its own when Redis returns', async () => {
    await redis.kill();
    for (const url of urls) {
      const { body } = await untilHealth(url, ({ status }) => status === 503);
      expect(body.bus.ok).toBe(false);
      expect(body.checks.storage).toEqual({ ok: true });
    }
    await redis.start();
    for (const url of urls) await untilHealth(url, ({ status, body }) => status === 200 && body.bus.ok);
  });

  it("Ctrl-C (SIGINT to the terminal's process group) stops every node gracefully", async () => {
    if (!cluster?.pid) throw new Error('no cluster process');
    process.kill(-cluster.pid, 'SIGINT');
    await closed;
    const text = output.join('');
    for (const url of urls) {
      const port = new URL(url).port;
      // main.ts closes the server and exits 0 on SIGINT/SIGTERM; a node killed by the signal would say so.
      expect(text).toMatch(new RegExp(`node \\d+ \\(port ${port}\\) exited \\(0\\)`));
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    }
  });
});
