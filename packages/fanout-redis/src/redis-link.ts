import { once } from 'node:events';
import { Redis } from 'ioredis';
import { BusUnavailableError, errorMessage, redactUrl } from './bus-errors.ts';

export interface RedisLinkOptions {
  url: string;
  /** Sent as CLIENT SETNAME on every (re)connection, so an operator or a fault test can find the connection. */
  connectionName: string;
  /** Bound on every command (publish, subscribe, ping, the connection handshake). */
  commandTimeoutMs: number;
  /** Bound on the TCP connect. */
  connectTimeoutMs: number;
  /** Liveness probe period: a PING that times out recycles the connection (catches silent partitions). */
  pingIntervalMs: number;
  reconnectBaseDelayMs: number;
  maxReconnectDelayMs: number;
  /** A fresh connection is ready (after the first start and after every reconnect). */
  onReady: () => void;
  /** The connection is gone; a reconnect is scheduled unless the link is closed. */
  onLost: (detail: string) => void;
}

/**
 * One ioredis connection that never gives up and never queues.
 *
 * Why not ioredis' own reconnect loop: `disconnect()` during its 'reconnecting' state emits no 'end'
 * and leaves a disconnect timer behind, so a bus could not release every timer on close. Here ioredis
 * is told not to retry (`retryStrategy: () => null`, so every loss ends in 'end'), and this class
 * schedules the next `connect()` itself with capped exponential backoff and jitter.
 *
 * Commands are never queued while disconnected (`enableOfflineQueue: false`): they reject at once,
 * and a command on a silently dead connection rejects after `commandTimeoutMs`.
 */
export class RedisLink {
  readonly redis: Redis;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  /** Until the first connection is ready, a failure rejects `start` instead of retrying. */
  private started = false;
  private lastError: string | undefined;
  /** When the current socket last received bytes: a connection busy with a burst is not a dead one. */
  private lastDataAtMs = 0;

  constructor(
    readonly role: string,
    private readonly options: RedisLinkOptions,
  ) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      connectionName: options.connectionName,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      disconnectTimeout: options.commandTimeoutMs,
    });
    // Without an 'error' listener ioredis prints every connection error to the console.
    this.redis.on('error', (error: unknown) => {
      this.lastError = errorMessage(error);
    });
    this.redis.on('connect', () => {
      this.lastDataAtMs = performance.now();
      this.redis.stream.on('data', () => {
        this.lastDataAtMs = performance.now();
      });
    });
    this.redis.on('ready', () => {
      this.attempt = 0;
      this.lastError = undefined;
      this.scheduleProbe();
      options.onReady();
    });
    this.redis.on('end', () => {
      this.clearProbe();
      if (this.closed || !this.started) return;
      options.onLost(`${this.role} connection lost${this.lastError ? `: ${this.lastError}` : ''}`);
      this.scheduleReconnect();
    });
  }

  get ready(): boolean {
    return !this.closed && this.redis.status === 'ready';
  }

  get status(): string {
    return this.closed ? 'closed' : this.redis.status;
  }

  /** First connection: resolves when ready, rejects (and stops retrying) when Redis cannot be reached. */
  async start(): Promise<void> {
    try {
      await this.redis.connect();
      this.started = true;
    } catch (error) {
      await this.close();
      throw new BusUnavailableError(`cannot reach Redis at ${redactUrl(this.options.url)} (${this.role})`, {
        cause: error,
      });
    }
  }

  /** Drops a connection that answers no more (failed probe, stuck command); a reconnect follows. */
  recycle(reason: string): void {
    if (!this.ready) return;
    this.lastError = reason;
    this.redis.disconnect();
  }

  /** Resolves with a detail string when unhealthy, undefined when a PING came back in time. */
  async probe(): Promise<string | undefined> {
    if (!this.ready) return `${this.role} ${this.status}`;
    try {
      await this.redis.ping();
      return undefined;
    } catch (error) {
      return `${this.role} ping failed: ${errorMessage(error)}`;
    }
  }

  /** Releases the socket and every timer; resolves once the socket is closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearProbe();
    this.clearReconnect();
    if (this.redis.status === 'end' || this.redis.status === 'wait') return;
    const ended = once(this.redis, 'end');
    this.redis.disconnect();
    await ended;
  }

  private scheduleReconnect(): void {
    this.clearReconnect();
    const capMs = Math.min(this.options.maxReconnectDelayMs, this.options.reconnectBaseDelayMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const delayMs = capMs / 2 + (Math.random() * capMs) / 2;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed) return;
      // A failure ends in 'end' again, which schedules the next attempt.
      this.redis.connect().catch(() => {});
    }, delayMs);
  }

  private scheduleProbe(): void {
    this.clearProbe();
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (!this.ready) return;
      const sentAtMs = performance.now();
      this.redis.ping().then(
        () => {
          if (this.ready) this.scheduleProbe();
        },
        (error: unknown) => {
          // Queued behind a burst, the PING can time out on a live connection: bytes arriving since it
          // was sent prove the connection alive. Only silence for the whole timeout recycles it.
          if (this.lastDataAtMs > sentAtMs && this.ready) this.scheduleProbe();
          else this.recycle(`ping failed: ${errorMessage(error)}`);
        },
      );
    }, this.options.pingIntervalMs);
  }

  private clearProbe(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }
}
