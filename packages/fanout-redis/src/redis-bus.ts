import { randomUUID } from 'node:crypto';
import type { BusHandler, BusHealth, FanoutBus } from '@wedsync/server';
import { BusClosedError, BusUnavailableError, errorMessage } from './bus-errors.ts';
import { RedisLink } from './redis-link.ts';

export interface RedisBusOptions {
  url: string;
  /** Default: a random UUID. */
  nodeId?: string;
  /** Prepended to every subject to form the Redis channel name. Default `wedsync:bus:`. */
  keyPrefix?: string;
  /** Base of the CLIENT SETNAME of both connections (`<name>-pub`, `<name>-sub`). Default `wedsync-bus-<nodeId>`. */
  connectionName?: string;
  /** Bound on publish, subscribe, ping and the connection handshake. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Liveness PING period on each connection; a PING that times out forces a reconnect. Default 5000 ms. */
  pingIntervalMs?: number;
  /** Reconnect backoff: base·2^attempt, capped, with jitter. Defaults 50 ms and 2000 ms. */
  reconnectBaseDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A subscriber's handler threw. Default: console.error. Other handlers still run. */
  onHandlerError?: (error: unknown, subject: string) => void;
}

interface SubjectEntry {
  handlers: Set<BusHandler>;
  /** Settles when Redis confirmed the SUBSCRIBE (or at once while the subscriber is down). */
  confirmed: Promise<void>;
}

/**
 * Fan-out over Redis pub/sub (DESIGN §5): one publisher and one subscriber connection per node.
 *
 * Contract additions to `FanoutBus`:
 * - Order: all publishes of one bus go through one connection, so order per publisher and subject holds.
 * - Publish while Redis is down rejects at once with `BusUnavailableError`; on a silently dead
 *   connection it rejects after `commandTimeoutMs`. Nothing is queued, so nothing stale is sent late.
 * - Subscribe while the subscriber is down resolves at once; the subscription becomes active on
 *   recovery (as `InProcessBus` does while detached). Only a Redis error reply rejects it.
 * - Status: `{ ok: false }` when either connection is lost; `{ ok: true }` only once both are back and
 *   every subject is subscribed again, so a node that re-reads the log on recovery misses nothing.
 *   ioredis' `autoResubscribe` is off on purpose: it re-subscribes only the channels confirmed before
 *   the loss, and emits 'ready' before Redis confirmed them; this bus re-subscribes its own subject
 *   list and reports recovery after the confirmation.
 */
export class RedisBus implements FanoutBus {
  readonly nodeId: string;
  private readonly keyPrefix: string;
  private readonly publisher: RedisLink;
  private readonly subscriber: RedisLink;
  private readonly subjects = new Map<string, SubjectEntry>();
  private readonly statusListeners = new Set<(health: BusHealth) => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly onHandlerError: (error: unknown, subject: string) => void;
  /** Subscriber connection ready and every subject re-subscribed. */
  private subscriptionsLive = false;
  private reportedOk = false;
  private lastDetail = 'starting';
  /** Bumped on every subscriber (re)connection, so a stale re-subscribe result is ignored. */
  private subscriberEpoch = 0;
  /** The latest re-subscription; `start` waits for it so a new bus is fully live. */
  private restoring: Promise<void> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: RedisBusOptions) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.keyPrefix = options.keyPrefix ?? 'wedsync:bus:';
    this.onHandlerError =
      options.onHandlerError ??
      ((error, subject) => console.error(`fan-out handler for ${subject} threw: ${errorMessage(error)}`));
    const name = (options.connectionName ?? `wedsync-bus-${this.nodeId}`).replace(/[^\w.:-]/g, '_');
    const common = {
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs ?? 2000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      pingIntervalMs: options.pingIntervalMs ?? 5000,
      reconnectBaseDelayMs: options.reconnectBaseDelayMs ?? 50,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 2000,
    };
    this.publisher = new RedisLink('publisher', {
      ...common,
      connectionName: `${name}-pub`,
      onReady: () => this.updateStatus(),
      onLost: (detail) => this.updateStatus(detail),
    });
    this.subscriber = new RedisLink('subscriber', {
      ...common,
      connectionName: `${name}-sub`,
      onReady: () => this.restoreSubscriptions(),
      onLost: (detail) => {
        this.subscriberEpoch++;
        this.subscriptionsLive = false;
        this.updateStatus(detail);
      },
    });
    this.subscriber.redis.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Connects both connections; rejects with `BusUnavailableError` when Redis cannot be reached. */
  async start(): Promise<void> {
    const results = await Promise.allSettled([this.publisher.start(), this.subscriber.start()]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      await this.close();
      throw failure.reason;
    }
    await this.restoring;
  }

  async publish(subject: string, message: string): Promise<void> {
    if (this.closed) throw new BusClosedError();
    if (!this.publisher.ready) {
      throw new BusUnavailableError(
        `cannot publish on ${subject}: the publisher connection is ${this.publisher.status}`,
      );
    }
    const sent = this.publisher.redis.publish(this.keyPrefix + subject, message);
    this.inFlight.add(sent);
    try {
      await sent;
    } catch (error) {
      throw new BusUnavailableError(`publish on ${subject} failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      this.inFlight.delete(sent);
    }
  }

  async subscribe(subject: string, handler: BusHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new BusClosedError();
    // A wrapper per call, so one function subscribed twice is two subscriptions.
    const subscription: BusHandler = (message, from) => handler(message, from);
    let entry = this.subjects.get(subject);
    if (!entry) {
      entry = { handlers: new Set(), confirmed: this.sendSubscribe(subject) };
      this.subjects.set(subject, entry);
    }
    entry.handlers.add(subscription);
    try {
      await entry.confirmed;
    } catch (error) {
      await this.removeHandler(subject, subscription);
      throw error;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      await this.removeHandler(subject, subscription);
    };
  }

  onStatusChange(listener: (health: BusHealth) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async health(): Promise<BusHealth> {
    if (this.closed) return { ok: false, detail: 'closed' };
    const details = await Promise.all([this.publisher.probe(), this.subscriber.probe()]);
    if (!this.subscriptionsLive) details.push('subscriber is re-subscribing');
    const problems = details.filter((detail): detail is string => detail !== undefined);
    return problems.length === 0 ? { ok: true } : { ok: false, detail: problems.join('; ') };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.statusListeners.clear();
    this.subjects.clear();
    await Promise.allSettled([...this.inFlight]);
    await Promise.all([this.publisher.close(), this.subscriber.close()]);
  }

  private sendSubscribe(subject: string): Promise<void> {
    if (!this.subscriber.ready) return Promise.resolve();
    return this.subscriber.redis.subscribe(this.keyPrefix + subject).then(
      () => undefined,
      (error: unknown) => {
        if (isReplyError(error)) throw error;
        // Connection trouble: the subject stays registered and is subscribed again on recovery.
        this.subscriber.recycle(`subscribe failed: ${errorMessage(error)}`);
      },
    );
  }

  private async removeHandler(subject: string, handler: BusHandler): Promise<void> {
    const entry = this.subjects.get(subject);
    if (!entry?.handlers.delete(handler) || entry.handlers.size > 0) return;
    this.subjects.delete(subject);
    if (!this.subscriber.ready) return;
    // A failed UNSUBSCRIBE only leaves a channel whose messages `dispatch` drops.
    await this.subscriber.redis.unsubscribe(this.keyPrefix + subject).catch(() => {});
  }

  private dispatch(channel: string, message: string): void {
    if (!channel.startsWith(this.keyPrefix)) return;
    const subject = channel.slice(this.keyPrefix.length);
    const entry = this.subjects.get(subject);
    if (!entry) return;
    for (const handler of [...entry.handlers]) {
      try {
        handler(message, subject);
      } catch (error) {
        this.onHandlerError(error, subject);
      }
    }
  }

  private restoreSubscriptions(): void {
    const epoch = ++this.subscriberEpoch;
    const channels = [...this.subjects.keys()].map((subject) => this.keyPrefix + subject);
    const done = channels.length === 0 ? Promise.resolve() : this.subscriber.redis.subscribe(...channels);
    this.restoring = done.then(
      () => {
        if (epoch !== this.subscriberEpoch || !this.subscriber.ready) return;
        this.subscriptionsLive = true;
        this.updateStatus();
      },
      (error: unknown) => {
        if (epoch === this.subscriberEpoch) this.subscriber.recycle(`re-subscribe failed: ${errorMessage(error)}`);
      },
    );
  }

  /** Reports a change of `ok` to the listeners; `detail` explains the latest loss. */
  private updateStatus(detail?: string): void {
    if (detail) this.lastDetail = detail;
    const ok = !this.closed && this.publisher.ready && this.subscriber.ready && this.subscriptionsLive;
    if (ok === this.reportedOk) return;
    this.reportedOk = ok;
    const health: BusHealth = ok ? { ok } : { ok, detail: this.lastDetail };
    for (const listener of [...this.statusListeners]) {
      try {
        listener(health);
      } catch (error) {
        this.onHandlerError(error, '(status listener)');
      }
    }
  }
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/** Creates a Redis bus and waits until both connections are ready and usable. */
export async function createRedisBus(options: RedisBusOptions): Promise<FanoutBus> {
  const bus = new RedisBus(options);
  await bus.start();
  return bus;
}
