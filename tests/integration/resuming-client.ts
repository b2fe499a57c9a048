import { compileSchemas, type SchemaIndex } from '@wedsync/merge';
import type {
  ChangesPayload,
  MutateReply,
  Mutation,
  PresenceDiff,
  PresenceMap,
  ResyncPayload,
  SystemPayload,
} from '@wedsync/protocol';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { ENGINE_JWT_SECRET, ENGINE_SCHEMAS } from '../fixtures/engine-schema.ts';
import { ChannelObservation } from './channel-observation.ts';

export interface Reply<R = unknown> {
  status: 'ok' | 'error';
  response: R & { reason?: string };
}

/** The socket closed before the reply came; the caller retries the same `(clientId, mid)` once `ready()`. */
export class DisconnectedError extends Error {}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface JoinedChannel {
  observation: ChannelObservation;
  presenceKey?: string;
  tracked?: Record<string, unknown>;
  joinRef: string | null;
  rejoining?: boolean;
  rejoinWanted?: boolean;
}

export interface ResumingClientOptions {
  /** The node to (re)connect to; asked again at every reconnection (a load balancer's choice). */
  pickUrl: () => string;
  /** Pause before a reconnection attempt, in ms. Default 100. */
  reconnectDelayMs?: number;
  /** A request without reply after this long fails with DisconnectedError. Default 15 000 ms. */
  requestTimeoutMs?: number;
  /** Reconnect when the socket drops; default true (false: a presence "ghost" that stays gone). */
  reconnect?: boolean;
}

const HEARTBEAT_MS = 10_000;

/**
 * A bare Phoenix v2 client for the multi-node suites (issue 6): it records every change it receives
 * per channel (`ChannelObservation`) and, like the SDK, survives its node: when the socket drops it
 * connects again (to `pickUrl()`), rejoins every channel with `config.sync.since` = the highest `seq`
 * it saw, and re-tracks presence. A channel whose resume failed (`system` sync error) is rejoined too.
 * It deliberately does no de-duplication on the wire, so the checker sees what the servers sent.
 */
export class ResumingClient {
  private socket: WebSocket | undefined;
  private readonly channels = new Map<string, JoinedChannel>();
  private readonly pending = new Map<string, Pending>();
  private readonly schemas: SchemaIndex = compileSchemas(ENGINE_SCHEMAS);
  private readonly listeners = new Set<() => void>();
  private refCounter = 0;
  private closed = false;
  private connecting: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Number of connections made (1 = never moved). */
  connections = 0;
  /** `system` sync errors received: a channel resume the server could not complete (database down). */
  resumeFailures = 0;
  currentUrl = '';

  private constructor(
    readonly userId: string,
    private readonly options: ResumingClientOptions,
  ) {}

  static async connect(userId: string, options: ResumingClientOptions): Promise<ResumingClient> {
    const client = new ResumingClient(userId, options);
    await client.reconnect();
    return client;
  }

  observation(topic: string): ChannelObservation {
    const channel = this.channels.get(topic);
    if (!channel) throw new Error(`${this.userId} never joined ${topic}`);
    return channel.observation;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Joins from `since: 0` (a fresh topic: its whole log is replayed), optionally with a presence key. */
  async join(topic: string, presenceKey?: string): Promise<void> {
    const observation = new ChannelObservation(topic, this.schemas);
    this.channels.set(topic, { observation, presenceKey, joinRef: null });
    await this.joinChannel(topic);
  }

  async track(topic: string, meta: Record<string, unknown>): Promise<void> {
    const channel = this.channels.get(topic);
    if (!channel) throw new Error(`not joined to ${topic}`);
    channel.tracked = meta;
    await this.request(topic, 'presence', { type: 'presence', event: 'track', payload: meta });
  }

  broadcast(topic: string, event: string, payload: unknown): void {
    this.send(topic, 'broadcast', { type: 'broadcast', event, payload });
  }

  /** Sends a batch once the channel is joined (like the SDK, which holds pushes while a channel rejoins). */
  async mutate(topic: string, clientId: string, mutations: Mutation[]): Promise<Reply<MutateReply>> {
    await this.until(
      () => this.channels.get(topic)?.rejoining !== true,
      30_000,
      () => `${topic} still rejoining`,
    );
    return this.request(topic, 'sync_mutate', { clientId, mutations });
  }

  /** Resolves once connected and every channel is joined again. */
  async ready(): Promise<void> {
    while (!this.closed && (this.connecting || !this.isOpen)) {
      if (this.connecting) await this.connecting.catch(() => undefined);
      else await this.until(() => this.connecting !== undefined || this.isOpen, 30_000);
    }
  }

  /** Goes offline on purpose (no automatic reconnection) until `moveTo`. */
  async disconnect(): Promise<void> {
    const old = this.socket;
    this.socket = undefined;
    if (old) await closeSocket(old);
    this.failPending('disconnected');
  }

  /** Moves to another node on purpose: closes this socket, connects to `url`, resumes every channel. */
  async moveTo(url: string): Promise<void> {
    await this.disconnect();
    await this.reconnect(url);
  }

  /** Resolves when `condition()` holds, re-checked on every frame; rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 20_000, describe?: () => string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`${this.userId}: condition not met within ${timeoutMs} ms${describe ? `: ${describe()}` : ''}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.failPending('closed');
    if (this.socket) await closeSocket(this.socket);
  }

  private reconnect(url?: string): Promise<void> {
    this.connecting ??= this.connectLoop(url).finally(() => {
      this.connecting = undefined;
      this.notify();
    });
    return this.connecting;
  }

  private async connectLoop(firstUrl?: string): Promise<void> {
    let url = firstUrl;
    for (let attempt = 0; !this.closed; attempt++) {
      if (attempt > 0) await delay(this.options.reconnectDelayMs ?? 100);
      try {
        await this.open(url ?? this.options.pickUrl());
        for (const topic of this.channels.keys()) await this.joinChannel(topic);
        return;
      } catch {
        url = undefined;
        if (this.socket) await closeSocket(this.socket);
      }
    }
  }

  private async open(url: string): Promise<void> {
    const token = await new SignJWT({ name: this.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(this.userId)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(ENGINE_JWT_SECRET));
    const socket = new WebSocket(`${url}?vsn=2.0.0&apikey=${encodeURIComponent(token)}`);
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('close', () => reject(new Error(`could not connect to ${url}`)));
    });
    this.socket = socket;
    this.currentUrl = url;
    this.connections++;
    socket.on('message', (data) => this.receive(String(data)));
    socket.once('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.failPending('socket closed');
      if (!this.closed && this.options.reconnect !== false) void this.reconnect();
    });
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.isOpen && this.send('phoenix', 'heartbeat', {}), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async joinChannel(topic: string): Promise<void> {
    const channel = this.channels.get(topic);
    if (!channel) return;
    const config: Record<string, unknown> = { sync: { since: channel.observation.lastSeq } };
    if (channel.presenceKey) config.presence = { key: channel.presenceKey, enabled: true };
    const ref = String(++this.refCounter);
    channel.joinRef = ref;
    const reply = await this.request(topic, 'phx_join', { config }, ref);
    if (reply.status !== 'ok') throw new Error(`join ${topic} refused: ${JSON.stringify(reply.response)}`);
    if (channel.tracked)
      await this.request(topic, 'presence', { type: 'presence', event: 'track', payload: channel.tracked });
  }

  /**
   * The server could not resume the channel (e.g. the database was down): leave and join again, until
   * a join is not followed by another such error. A request arriving while a rejoin runs is kept.
   */
  private async rejoinLater(topic: string): Promise<void> {
    const channel = this.channels.get(topic);
    if (!channel) return;
    channel.rejoinWanted = true;
    if (channel.rejoining) return;
    channel.rejoining = true;
    try {
      while (channel.rejoinWanted) {
        channel.rejoinWanted = false;
        await delay(this.options.reconnectDelayMs ?? 100);
        if (this.closed || !this.isOpen) return; // a reconnection rejoins every channel anyway
        try {
          await this.request(topic, 'phx_leave', {});
          await this.joinChannel(topic);
        } catch {
          channel.rejoinWanted = true;
        }
      }
    } finally {
      channel.rejoining = false;
      this.notify();
    }
  }

  private request<R>(topic: string, event: string, payload: unknown, joinRef?: string): Promise<Reply<R>> {
    return new Promise((resolve, reject) => {
      const ref = joinRef ?? String(++this.refCounter);
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new DisconnectedError(`${event} on ${topic}: no reply within the timeout`));
      }, this.options.requestTimeoutMs ?? 15_000);
      this.pending.set(ref, { resolve: resolve as (reply: Reply) => void, reject, timer });
      if (!this.send(topic, event, payload, ref)) {
        clearTimeout(timer);
        this.pending.delete(ref);
        reject(new DisconnectedError(`${event} on ${topic}: not connected`));
      }
    });
  }

  private send(topic: string, event: string, payload: unknown, ref?: string): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const joinRef = event === 'phx_join' ? (ref ?? null) : (this.channels.get(topic)?.joinRef ?? null);
    socket.send(JSON.stringify([joinRef, ref ?? null, topic, event, payload]));
    return true;
  }

  private receive(text: string): void {
    const [, ref, topic, event, payload] = JSON.parse(text) as [string | null, string | null, string, string, unknown];
    if (event === 'phx_reply' && ref !== null) {
      const waiter = this.pending.get(ref);
      if (waiter) {
        this.pending.delete(ref);
        clearTimeout(waiter.timer);
        waiter.resolve(payload as Reply);
      }
    }
    const observation = this.channels.get(topic)?.observation;
    if (observation) {
      if (event === 'sync_changes') observation.applyChanges(payload as ChangesPayload);
      else if (event === 'sync_resync') observation.applyResync(payload as ResyncPayload);
      else if (event === 'presence_state') observation.applyPresenceState(payload as PresenceMap);
      else if (event === 'presence_diff') observation.applyPresenceDiff(payload as PresenceDiff);
      else if (event === 'broadcast') observation.broadcasts.push(payload as { event: string; payload: unknown });
      else if (event === 'system' && (payload as SystemPayload).extension === 'sync') {
        this.resumeFailures++;
        void this.rejoinLater(topic);
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private failPending(why: string): void {
    for (const [ref, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new DisconnectedError(`${this.userId}: ${why}`));
      this.pending.delete(ref);
    }
  }
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), 1_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
