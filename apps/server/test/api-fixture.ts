import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldOp } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { SyncTestClient, signTestToken } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { testAppConfig } from './test-app-config.ts';

/** The app as `npm start` runs it (embedded PGlite, seeded world), on port 0, with a known JWT secret. */
export interface ApiWorld {
  server: AppServer;
  dataDir: string;
  /** Calls the HTTP API as a person (a bearer token signed like the dev login's). */
  as(userId: string): ApiCaller;
  /** A raw WebSocket client of a person. */
  connect(userId: string): Promise<SyncTestClient>;
  /** A write committed on the server as a person (like a channel mutation that passed its rights). */
  write(
    userId: string,
    scope: string,
    c: string,
    id: string,
    fields: Record<string, unknown>,
    extra?: FieldOp[],
  ): Promise<number>;
  close(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

export interface ApiCaller {
  get<T = any>(path: string): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body: unknown): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body: unknown): Promise<ApiResponse<T>>;
}

export async function startApiWorld(): Promise<ApiWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wedsync-api-'));
  const server = await startAppServer(testAppConfig(dataDir));
  const clients: SyncTestClient[] = [];
  let mid = 0;
  const call = async (userId: string, method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const token = await signTestToken(userId);
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (e.g. the pixel)
    }
    return { status: response.status, body: parsed, text };
  };
  return {
    server,
    dataDir,
    as: (userId) => ({
      get: (path) => call(userId, 'GET', path),
      put: (path, body) => call(userId, 'PUT', path, body),
      post: (path, body) => call(userId, 'POST', path, body),
    }),
    async connect(userId) {
      const client = await SyncTestClient.connect(`${server.url.replace(/^http/, 'ws')}/socket/websocket`, userId);
      clients.push(client);
      return client;
    },
    async write(userId, scope, c, id, fields, extra = []) {
      const ops: FieldOp[] = Object.entries(fields).map(([name, v]) => ({ k: 'set', f: fieldIdOf(c, name), v }));
      ops.push(...extra);
      const base = (await server.storage.getRecord(c, id))?.v ?? 0;
      const { results, changes } = await server.sync.commit({
        clientId: `api-test-${userId}`,
        actor: { userId, name: userId },
        scope,
        mutations: [{ mid: ++mid, c, id, base, ops }],
      });
      if (results[0]?.status !== 'applied') throw new Error(`write refused: ${JSON.stringify(results[0])}`);
      return changes.at(-1)?.seq ?? 0;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
