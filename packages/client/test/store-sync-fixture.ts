import type { CollectionSchema } from '@wedsync/protocol';
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from '@wedsync/server';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import WebSocket from 'ws';
import { attachRecordSync, type RecordSync, type RecordSyncOptions } from '../../server/src/records/record-sync.ts';
import type { Storage } from '../../server/src/storage/storage.ts';
import type { Channel } from '../src/channels/channel.ts';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import type { QueueStorage } from '../src/outbox/queue-storage.ts';
import { RealtimeClient } from '../src/realtime-client.ts';
import { bindChannel } from '../src/store/channel-binding.ts';
import { RecordStore, type RecordStoreOptions } from '../src/store/record-store.ts';

/**
 * Integration fixture for the store and outbox tests: the real realtime server with record sync over
 * in-memory PGlite on port 0, and clients made of the SDK's RealtimeClient + a RecordStore. Starting
 * PGlite takes seconds, so a test file starts one world (beforeAll) and each test takes a fresh topic.
 */
export const ITEMS: CollectionSchema = {
  name: 'items',
  fields: {
    title: { id: 1, kind: 'lww' },
    notes: { id: 2, kind: 'text' },
    tags: { id: 3, kind: 'list' },
    date: { id: 4, kind: 'manual' },
    memo: { id: 5, kind: 'text' },
  },
};
const SECRET = 'store-integration-secret-0123456789abcdef';

/** PGlite (WebAssembly PostgreSQL) takes seconds to start, far more on a loaded machine. */
export const PGLITE_START_TIMEOUT_MS = 120_000;

export async function signToken(sub: string): Promise<string> {
  return new SignJWT({ name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

export interface StoreClient {
  userId: string;
  client: RealtimeClient;
  channel: Channel;
  store: RecordStore;
  queue: QueueStorage;
  /** Closes store and client (the queue stays in `queue`, as after a page close). */
  close(): Promise<void>;
}

export interface ConnectOptions {
  queue?: QueueStorage;
  /** Join at once (default), or stay offline (never connected) until the test calls `channel.join()`. */
  online?: boolean;
  store?: Partial<Omit<RecordStoreOptions, 'storage' | 'schemas'>>;
}

export class SyncWorld {
  private readonly clients = new Set<StoreClient>();
  private topics = 0;
  /** The topic new clients join; `freshTopic()` moves on to an empty one. */
  topic = 'wedding:w0';

  private constructor(
    readonly server: RealtimeServer,
    readonly sync: RecordSync,
    readonly storage: Storage,
    readonly wsUrl: string,
  ) {}

  static async start(
    options: Partial<Omit<RecordSyncOptions, 'storage' | 'schemas'>> = {},
    serverOptions: Partial<RealtimeServerOptions> = {},
  ): Promise<SyncWorld> {
    const storage = await createPgliteStorage({});
    await storage.migrate();
    const server = await createRealtimeServer({
      jwtSecret: SECRET,
      rateLimit: false,
      logger: pino({ level: 'silent' }),
      ...serverOptions,
    });
    const sync = await attachRecordSync(server, { schemas: [ITEMS], ...options, storage });
    const { wsUrl } = await server.listen({ port: 0, host: '127.0.0.1' });
    return new SyncWorld(server, sync, storage, wsUrl);
  }

  /** A record id unique to the current topic (records are global on the server: one scope each). */
  rid(name: string): string {
    return `${name}@${this.topic}`;
  }

  freshTopic(): string {
    this.topic = `wedding:w${++this.topics}`;
    return this.topic;
  }

  async connect(userId: string, options: ConnectOptions = {}): Promise<StoreClient> {
    const queue = options.queue ?? new MemoryQueueStorage();
    const store = await RecordStore.open({
      storage: queue,
      schemas: [ITEMS],
      defaultTopic: this.topic,
      onError: (error) => {
        throw error;
      },
      ...options.store,
    });
    const client = new RealtimeClient({
      url: this.wsUrl,
      token: await signToken(userId),
      WebSocket: WebSocket as never,
      onlineEvents: null,
      backoff: { baseMs: 20, capMs: 200 },
    });
    const channel = client.channel(this.topic);
    const unbind = bindChannel(store, channel);
    if (options.online ?? true) await channel.join();
    const handle: StoreClient = {
      userId,
      client,
      channel,
      store,
      queue,
      close: async () => {
        this.clients.delete(handle);
        unbind();
        await store.close();
        await client.close();
      },
    };
    this.clients.add(handle);
    return handle;
  }

  /** The server's current records of the topic, by id, with field-id keys (deleted ones omitted). */
  async serverRecords(): Promise<Map<string, { v: number; fields: Record<string, unknown> }>> {
    const snapshot = await this.storage.snapshot([this.topic]);
    return new Map(snapshot.records.filter((r) => !r.del).map((r) => [r.id, { v: r.v, fields: r.fields }]));
  }

  /** Closes every client this world connected (their queues stay). */
  async closeClients(): Promise<void> {
    await Promise.all([...this.clients].map((handle) => handle.close()));
  }

  async close(): Promise<void> {
    await this.closeClients();
    await this.sync.close();
    await this.server.close();
    await this.storage.close();
  }
}

/**
 * Resolves once `check()` holds, re-checking on every store change and outbox progress event of the
 * given stores (no polling); rejects with `what` after `timeoutMs`.
 */
export function settledWhen(
  stores: RecordStore[],
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const finish = (error?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (error) reject(error);
      else resolve();
    };
    const test = () => {
      try {
        if (check()) finish();
      } catch (error) {
        finish(error as Error);
      }
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
    for (const store of stores) {
      offs.push(store.subscribe(test), store.outbox.on('progress', test), store.outbox.on('acked', test));
    }
    test();
  });
}

/** The store's records of the topic as the server stores them (field ids), for exact comparison. */
export function storeRecords(store: RecordStore): Map<string, { v: number; fields: Record<string, unknown> }> {
  const byName = new Map([...Object.entries(ITEMS.fields)].map(([name, field]) => [name, String(field.id)]));
  return new Map(
    store.query('items').map((record) => [
      record.id,
      {
        v: record.v,
        fields: Object.fromEntries(Object.entries(record.fields).map(([name, value]) => [byName.get(name)!, value])),
      },
    ]),
  );
}
