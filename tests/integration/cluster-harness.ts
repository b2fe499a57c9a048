import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Storage } from '@wedsync/server';
import { createPostgresStorage } from '@wedsync/storage-postgres';
import { Redis } from 'ioredis';
import pg from 'pg';

const FIXTURE = fileURLToPath(new URL('../fixtures/engine-node.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A node that has not printed READY by then failed to start (2-core machines under load are slow). */
const READY_TIMEOUT_MS = 60_000;
/** SIGTERM grace before SIGKILL on dispose. */
const STOP_GRACE_MS = 6_000;

export interface ClusterOptions {
  nodes: number;
  /** Default `DATABASE_URL`. */
  databaseUrl?: string;
  /** Default `REDIS_URL`. */
  redisUrl?: string;
  /** The Redis URL node `index` uses (e.g. through a fault-injecting proxy); default `redisUrl`. */
  redisUrlFor?: (index: number) => string;
  /** `ENGINE_*` settings of the node fixture (see tests/fixtures/engine-node.ts). */
  env?: Record<string, string>;
}

export interface EngineNode {
  readonly index: number;
  readonly process: ChildProcess;
  readonly port: number;
  /** `http://127.0.0.1:port` */
  readonly url: string;
  /** `ws://127.0.0.1:port/socket/websocket` */
  readonly wsUrl: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive: boolean;
}

export interface Healthz {
  status: number;
  body: {
    ok: boolean;
    bus: { ok: boolean; detail?: string };
    checks: Record<string, { ok: boolean; detail?: string }>;
  };
}

const everyChild = new Set<ChildProcess>();
// If the test process dies without its afterAll, its nodes must not outlive it.
process.once('exit', () => {
  for (const child of everyChild) child.kill('SIGKILL');
});

/**
 * N engine nodes as child processes on loopback (issue 6), sharing one PostgreSQL schema and one Redis
 * key prefix unique to this cluster. Nodes can be SIGKILLed and restarted; `dispose` stops every
 * child, drops the schema and deletes every Redis key under the prefix (and reports how many there were).
 */
export class EngineCluster {
  readonly nodes: EngineNode[] = [];
  readonly schema = `t_cluster_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  readonly prefix = `t-cluster-${randomUUID().slice(0, 8)}:`;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The test's own reader of the shared log (for the delivery checker). */
  storage!: Storage;
  private readonly stderr = new Map<number, string[]>();

  private constructor(private readonly options: ClusterOptions) {
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
    if (!databaseUrl || !redisUrl) throw new Error('DATABASE_URL and REDIS_URL are required for a cluster');
    this.databaseUrl = databaseUrl;
    this.redisUrl = redisUrl;
  }

  /** Creates and migrates the schema, then starts every node and waits for all of them to be READY. */
  static async start(options: ClusterOptions): Promise<EngineCluster> {
    const cluster = new EngineCluster(options);
    try {
      cluster.storage = await createPostgresStorage({
        connectionString: cluster.databaseUrl,
        schema: cluster.schema,
        poolSize: 2,
      });
      await Promise.all(Array.from({ length: options.nodes }, (_, index) => cluster.startNode(index)));
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  node(index: number): EngineNode {
    const node = this.nodes[index];
    if (!node) throw new Error(`no node ${index}`);
    return node;
  }

  /** The ws URL of a live node other than `except`, round-robin (a load balancer without stickiness). */
  pickOther(except: number, turn: number): string {
    const live = this.nodes.filter((node) => node.alive && node.index !== except);
    if (live.length === 0) throw new Error('no live node');
    return live[turn % live.length]!.wsUrl;
  }

  /** Sends `signal` to node `index` and waits for it to exit. */
  async kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const node = this.node(index);
    node.alive = false;
    node.process.kill(signal);
    await node.exited;
  }

  /** Starts node `index` again (a new process, a new port) after it was killed. */
  async restart(index: number): Promise<EngineNode> {
    if (this.nodes[index]?.alive) await this.kill(index, 'SIGTERM');
    return this.startNode(index);
  }

  async healthz(index: number): Promise<Healthz> {
    const response = await fetch(`${this.node(index).url}/healthz`);
    return { status: response.status, body: (await response.json()) as Healthz['body'] };
  }

  /** Polls `/healthz` of node `index` (every 100 ms) until `predicate` holds; rejects after `timeoutMs`. */
  async untilHealth(index: number, predicate: (health: Healthz) => boolean, timeoutMs = 20_000): Promise<Healthz> {
    const deadline = Date.now() + timeoutMs;
    let last: Healthz | string = 'no answer yet';
    while (Date.now() < deadline) {
      try {
        last = await this.healthz(index);
        if (predicate(last)) return last;
      } catch (error) {
        last = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`node ${index} health never matched within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  }

  /** The last lines a node wrote on stderr (its record-sync errors), for diagnostics. */
  stderrOf(index: number): string {
    return (this.stderr.get(index) ?? []).join('');
  }

  async dispose(): Promise<{ redisKeysDeleted: number }> {
    await Promise.all(this.nodes.filter((node) => node.alive).map((node) => stopChild(node)));
    await this.storage?.close().catch(() => undefined);
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      await client.end();
    }
    return { redisKeysDeleted: await deleteKeys(this.redisUrl, this.prefix) };
  }

  private startNode(index: number): Promise<EngineNode> {
    const env = {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      ENGINE_PG_SCHEMA: this.schema,
      REDIS_URL: this.options.redisUrlFor?.(index) ?? this.redisUrl,
      ENGINE_BUS_PREFIX: this.prefix,
      ENGINE_NODE_ID: `node-${index}-${randomUUID().slice(0, 4)}`,
      PORT: '0',
      ...this.options.env,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    everyChild.add(child);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        everyChild.delete(child);
        resolve({ code, signal });
      }),
    );
    const lines: string[] = [];
    this.stderr.set(index, lines);
    child.stderr?.on('data', (chunk: Buffer) => {
      lines.push(chunk.toString());
      if (lines.length > 50) lines.shift();
      if (process.env.INTEGRATION_NODE_LOGS) process.stderr.write(chunk);
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`node ${index} not READY within ${READY_TIMEOUT_MS} ms:\n${lines.join('')}`));
      }, READY_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^READY (\d+)$/m.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        const port = Number(match[1]);
        const node: EngineNode = {
          index,
          process: child,
          port,
          url: `http://127.0.0.1:${port}`,
          wsUrl: `ws://127.0.0.1:${port}/socket/websocket`,
          exited,
          alive: true,
        };
        this.nodes[index] = node;
        void exited.then(() => {
          node.alive = false;
        });
        resolve(node);
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`node ${index} exited (${code ?? signal}) before READY:\n${lines.join('')}`));
      });
    });
  }
}

async function stopChild(node: EngineNode): Promise<void> {
  node.process.kill('SIGTERM');
  const timer = setTimeout(() => node.process.kill('SIGKILL'), STOP_GRACE_MS);
  await node.exited;
  clearTimeout(timer);
}

/**
 * Deletes every key under `prefix` (rate-limit counters, which also expire after their 1 s window; the
 * bus itself only uses pub/sub channels) and fails if any is left.
 */
async function deleteKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const keys = await scanKeys(redis, `${prefix}*`);
    const deleted = keys.length > 0 ? await redis.del(...keys) : 0;
    const left = await scanKeys(redis, `${prefix}*`);
    if (left.length > 0) throw new Error(`Redis keys left under ${prefix}: ${left.join(', ')}`);
    return deleted;
  } finally {
    redis.disconnect();
  }
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}
