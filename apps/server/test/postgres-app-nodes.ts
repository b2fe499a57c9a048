import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FanoutBus } from '@wedsync/server';
import { createPostgresStorage, type SqlStorage } from '@wedsync/storage-postgres';
import pg from 'pg';
import { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { testAppConfig } from './test-app-config.ts';

export interface PostgresAppNodesOptions {
  /** DATABASE_URL; an empty string leaves the schema undropped (there is nothing to drop). */
  databaseUrl: string;
  /** The schema every node shares, unique to the run; dropped by `close`. */
  schema: string;
  /** Prefix of the temporary DATA_DIR the nodes share. */
  dataDirPrefix: string;
  /** The bus of node `n` (each node gets its own, closed by `close`). */
  createBus(n: number): FanoutBus | Promise<FanoutBus>;
}

/**
 * App nodes as production runs them: each with its own PostgreSQL storage (a pool of 4) on one shared
 * schema and its own bus, tokens signed with the record-sync test secret so `connect` logs anyone in.
 * Made before `beforeAll` and started in it, so `close` in `afterAll` also cleans up after a start
 * that failed halfway.
 */
export class PostgresAppNodes {
  readonly storages: SqlStorage[] = [];
  readonly buses: FanoutBus[] = [];
  readonly nodes: AppServer[] = [];
  readonly clients: SyncTestClient[] = [];
  private dataDir: string | undefined;

  constructor(private readonly options: PostgresAppNodesOptions) {}

  /** Starts `nodeCount` nodes one after another; `onNode` sees each as soon as it is listening. */
  async start(nodeCount: number, onNode?: (node: AppServer) => void): Promise<void> {
    const dataDir = await mkdtemp(join(tmpdir(), this.options.dataDirPrefix));
    this.dataDir = dataDir;
    const config = testAppConfig(dataDir);
    const { databaseUrl, schema } = this.options;
    for (let n = 0; n < nodeCount; n++) {
      const storage = await createPostgresStorage({ connectionString: databaseUrl, schema, poolSize: 4 });
      this.storages.push(storage);
      const bus = await this.options.createBus(n);
      this.buses.push(bus);
      const node = await startAppServer(config, { storage, bus });
      this.nodes.push(node);
      onNode?.(node);
    }
  }

  /** A raw wire client of `userId` on `node`, closed by `close`. */
  async connect(userId: string, node: AppServer): Promise<SyncTestClient> {
    const client = await SyncTestClient.connect(`${node.url.replace(/^http/, 'ws')}/socket/websocket`, userId);
    this.clients.push(client);
    return client;
  }

  /** Clients, then nodes (last started first), buses and storages; then drops the schema and DATA_DIR. */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
    for (const node of [...this.nodes].reverse()) await node.close();
    await Promise.all(this.buses.map((bus) => bus.close()));
    for (const storage of this.storages) await storage.close();
    const { databaseUrl, schema } = this.options;
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
