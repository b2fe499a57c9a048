import { BINARY_KIND } from '@wedsync/protocol';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import WebSocket from 'ws';
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from '../src/index.ts';

/** Shared test fixtures for the engine suites: token signing, servers on port 0, a raw Phoenix client. */
export const SECRET = 'engine-test-secret-0123456789abcdef';
const secretKey = new TextEncoder().encode(SECRET);

export async function signToken(
  sub: string | undefined,
  {
    expiresInSec = 3600,
    expAtSec,
    name,
    secret = secretKey,
  }: { expiresInSec?: number; expAtSec?: number; name?: string; secret?: Uint8Array } = {},
): Promise<string> {
  const jwt = new SignJWT(name ? { name } : {}).setProtectedHeader({ alg: 'HS256' });
  if (sub !== undefined) jwt.setSubject(sub);
  jwt.setExpirationTime(expAtSec ?? Math.floor(Date.now() / 1000) + expiresInSec);
  return jwt.sign(secret);
}

export interface Started {
  server: RealtimeServer;
  url: string;
  wsUrl: string;
}

/** Starts servers and closes them (and their clients) on `dispose`. */
export class Harness {
  private readonly servers: RealtimeServer[] = [];
  private readonly clients: PhxClient[] = [];

  async start(options: Partial<RealtimeServerOptions> = {}): Promise<Started> {
    const server = await createRealtimeServer({
      jwtSecret: SECRET,
      rateLimit: false,
      logger: pino({ level: 'silent' }),
      ...options,
    });
    this.servers.push(server);
    const { url, wsUrl } = await server.listen();
    return { server, url, wsUrl };
  }

  async connect(wsUrl: string, options: ConnectOptions = {}): Promise<PhxClient> {
    const client = await PhxClient.connect(wsUrl, options);
    this.clients.push(client);
    return client;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients.splice(0)) client.terminate();
    await Promise.all(this.servers.splice(0).map((server) => server.close()));
  }
}

export interface ConnectOptions {
  token?: string;
  vsn?: string | null;
  origin?: string;
  /** Resolve on open (default) or only after the socket exists (for refusals that close right away). */
  waitOpen?: boolean;
}

/** A received frame; binary kind 4 frames are decoded to `{ event: 'broadcast', payload: { event, payload: Uint8Array } }`. */
export interface Received {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert received payloads structurally
  payload: any;
  binary?: boolean;
}

/** A minimal Phoenix V2 client over `ws` that records everything it receives, for assertions. */
export class PhxClient {
  readonly frames: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ match: (frame: Received) => boolean; resolve: (frame: Received) => void; from: number }> =
    [];
  private refCounter = 0;

  private constructor(
    readonly socket: WebSocket,
    readonly vsn: string | null,
  ) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
  }

  static async connect(
    wsUrl: string,
    { token, vsn = '2.0.0', origin, waitOpen = true }: ConnectOptions = {},
  ): Promise<PhxClient> {
    const url = new URL(wsUrl);
    if (vsn !== null) url.searchParams.set('vsn', vsn);
    if (token) url.searchParams.set('apikey', token);
    const socket = new WebSocket(url, origin ? { origin } : {});
    const client = new PhxClient(socket, vsn);
    if (waitOpen) {
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
    }
    return client;
  }

  nextRef(): string {
    return String(++this.refCounter);
  }

  sendFrame(joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown): void {
    const frame =
      this.vsn === '2.0.0' ? [joinRef, ref, topic, event, payload] : { topic, event, payload, ref, join_ref: joinRef };
    this.socket.send(JSON.stringify(frame));
  }

  /** Sends a push and resolves with its phx_reply. */
  async push(topic: string, event: string, payload: unknown, joinRef: string | null = null): Promise<Received> {
    const ref = this.nextRef();
    const reply = this.waitFor((frame) => frame.event === 'phx_reply' && frame.ref === ref && frame.topic === topic);
    this.sendFrame(joinRef, ref, topic, event, payload);
    return reply;
  }

  /** Joins and resolves with the reply; the join ref is `reply.joinRef`. */
  join(topic: string, payload: Record<string, unknown> = {}): Promise<Received> {
    const ref = this.nextRef();
    const reply = this.waitFor((frame) => frame.event === 'phx_reply' && frame.ref === ref);
    this.sendFrame(ref, ref, topic, 'phx_join', payload);
    return reply;
  }

  heartbeat(): Promise<Received> {
    return this.push('phoenix', 'heartbeat', {});
  }

  /** Resolves with the first frame (received from now on, or already received if `includePast`) matching. */
  waitFor(match: (frame: Received) => boolean, { includePast = false, timeoutMs = 5_000 } = {}): Promise<Received> {
    if (includePast) {
      const found = this.frames.find(match);
      if (found) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        from: this.frames.length,
        resolve: (frame: Received) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  waitForEvent(
    topic: string,
    event: string,
    options?: { includePast?: boolean; timeoutMs?: number },
  ): Promise<Received> {
    return this.waitFor((frame) => frame.topic === topic && frame.event === event, options);
  }

  close(): void {
    this.socket.close();
  }

  terminate(): void {
    this.socket.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    const frame = isBinary ? decodeKind4(data) : toReceived(JSON.parse(data.toString('utf8')));
    this.frames.push(frame);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(frame)) {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        waiter.resolve(frame);
      }
    }
  }
}

function toReceived(value: unknown): Received {
  if (Array.isArray(value)) {
    const [joinRef, ref, topic, event, payload] = value;
    return { joinRef, ref, topic, event, payload };
  }
  const object = value as {
    join_ref?: string | null;
    ref?: string | null;
    topic: string;
    event: string;
    payload: unknown;
  };
  return {
    joinRef: object.join_ref ?? null,
    ref: object.ref ?? null,
    topic: object.topic,
    event: object.event,
    payload: object.payload,
  };
}

function decodeKind4(bytes: Buffer): Received {
  if (bytes[0] !== BINARY_KIND.userBroadcast) throw new Error(`unexpected binary kind ${bytes[0]}`);
  const [topicLength, eventLength, metaLength, encoding] = [bytes[1]!, bytes[2]!, bytes[3]!, bytes[4]!];
  const topicStart = 5;
  const eventStart = topicStart + topicLength;
  const bodyStart = eventStart + eventLength + metaLength;
  const topic = bytes.subarray(topicStart, eventStart).toString('utf8');
  const event = bytes.subarray(eventStart, eventStart + eventLength).toString('utf8');
  const body = bytes.subarray(bodyStart);
  const payload = encoding === 1 ? JSON.parse(body.toString('utf8')) : new Uint8Array(body);
  return {
    joinRef: null,
    ref: null,
    topic,
    event: 'broadcast',
    payload: { type: 'broadcast', event, payload },
    binary: true,
  };
}

/** Resolves when `predicate` holds, checking on every turn of the event loop (for server-side state). */
export async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
