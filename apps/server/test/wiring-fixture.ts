import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldOp, MutateReply, Mutation } from '@wedsync/protocol';
import { type FanoutBus, InProcessBusHub } from '@wedsync/server';
import { createPgliteStorage, type SqlStorage } from '@wedsync/storage-postgres';
import { fieldIdOf } from '@wedsync/wedding';
import { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { testAppConfig } from './test-app-config.ts';

/**
 * App nodes for the wiring tests: one in-memory PGlite database and one in-process bus hub shared by
 * every node (so several nodes behave like a cluster on PostgreSQL + Redis), tokens signed with the
 * record-sync test secret so `SyncTestClient.connect(wsUrl, userId)` logs anyone in.
 */
export class AppCluster {
  readonly nodes: AppServer[] = [];
  private readonly clients: SyncTestClient[] = [];
  private readonly hub = new InProcessBusHub();
  private readonly buses: FanoutBus[] = [];
  private mids = 0;

  private constructor(
    readonly storage: SqlStorage,
    private readonly dataDir: string,
  ) {}

  static async start(nodeCount = 1): Promise<AppCluster> {
    const dataDir = await mkdtemp(join(tmpdir(), 'wedsync-wiring-'));
    const cluster = new AppCluster(await createPgliteStorage({}), dataDir);
    for (let i = 0; i < nodeCount; i++) await cluster.addNode();
    return cluster;
  }

  async addNode(): Promise<AppServer> {
    const bus = this.hub.createBus();
    this.buses.push(bus);
    const config = testAppConfig(this.dataDir);
    const node = await startAppServer(config, { storage: this.storage, bus });
    this.nodes.push(node);
    return node;
  }

  /** A raw wire client of `userId` on node `index`. */
  async connect(userId: string, index = 0): Promise<SyncTestClient> {
    const node = this.nodes[index];
    if (!node) throw new Error(`no node ${index}`);
    const client = await SyncTestClient.connect(`${node.url.replace(/^http/, 'ws')}/socket/websocket`, userId);
    this.clients.push(client);
    return client;
  }

  /** `set` ops from field names of a collection. */
  ops(collection: string, values: Record<string, unknown>): FieldOp[] {
    return Object.entries(values).map(([name, v]) => ({ k: 'set', f: fieldIdOf(collection, name), v }));
  }

  /** One mutation of `client` on `topic` (base: the record's current version); resolves with its result. */
  async write(
    client: SyncTestClient,
    topic: string,
    c: string,
    id: string,
    values: Record<string, unknown>,
  ): Promise<{ status: string; seq?: number }> {
    const mutation: Mutation = { mid: ++this.mids, c, id, base: await this.versionOf(c, id), ops: this.ops(c, values) };
    const reply = await client.mutate(topic, `test-${client.constructor.name}`, [mutation]);
    if (reply.status !== 'ok') throw new Error(`mutate refused: ${JSON.stringify(reply.response)}`);
    return (reply.response as MutateReply).results[0] as { status: string; seq?: number };
  }

  /** A server-side write (settings the HTTP API would change), through node 0's record sync. */
  async serverWrite(scope: string, c: string, id: string, values: Record<string, unknown>): Promise<number> {
    const node = this.nodes[0]!;
    const { changes } = await node.sync.commit({
      clientId: 'wiring-test',
      actor: { userId: 'system', name: 'Test' },
      scope,
      mutations: [{ mid: ++this.mids, c, id, base: await this.versionOf(c, id), ops: this.ops(c, values) }],
    });
    const seq = changes.at(-1)?.seq ?? 0;
    // Every node's Directory holds it before the test goes on (as after any real settings change).
    await Promise.all(this.nodes.map((n) => n.follower.catchUp()));
    return seq;
  }

  async versionOf(c: string, id: string): Promise<number> {
    return (await this.storage.getRecord(c, id))?.v ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    for (const node of this.nodes.splice(0).reverse()) await node.close();
    await Promise.all(this.buses.splice(0).map((bus) => bus.close()));
    await this.storage.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Every frame a client received, as one string, for scanning (R14.2 "never a byte"). */
export function allFrames(client: SyncTestClient): string {
  return JSON.stringify(client.frames);
}
