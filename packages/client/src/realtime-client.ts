import type { Frame, SerializerVersion } from '@wedsync/protocol';
import { EVENTS } from '@wedsync/protocol';
import { Channel } from './channels/channel.ts';
import type { ChannelHost, ChannelOptions } from './channels/channel-options.ts';
import { ChannelRegistry } from './channels/channel-registry.ts';
import { SubscriptionScope, type SubscriptionScopeOptions } from './channels/subscription-scope.ts';
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from './connection/backoff.ts';
import { Connection } from './connection/connection.ts';
import { RealtimeError } from './connection/realtime-error.ts';
import { systemTimers, type Timers } from './connection/timers.ts';
import { type TokenProvider, TokenSource } from './connection/token-source.ts';
import { type LongPollFallbackOptions, TransportSelector } from './transports/transport-selector.ts';
import { type ClientStatus, type ClientStatusListener, TransportStatusView } from './transports/transport-status.ts';
import type { WebSocketConstructor } from './transports/websocket-transport.ts';
import { type DataUsage, DataUsageMeter, type DataUsageOptions } from './usage/data-usage.ts';

export interface RealtimeClientOptions {
  /** WebSocket endpoint, e.g. `wss://host/realtime/v1/websocket`. `apikey` (the token) and `vsn` are appended. */
  url: string;
  /** The user's JWT, or an async provider asked on connect, ~60 s (or 20 % of the lifetime) before `exp`, and once after an auth refusal. */
  token: string | TokenProvider;
  /** Extra query parameters. */
  params?: Record<string, string>;
  /** WebSocket class. Default `globalThis.WebSocket` (browsers); in Node 20 pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Phoenix serializer. Default '1.0.0' (JSON object text frames; the server never sends binary to v1). */
  vsn?: SerializerVersion;
  /** Heartbeat period; an unanswered heartbeat at the next tick means the link is dead (R1.3). Default 30 000. */
  heartbeatIntervalMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Uniform [0, 1) source for jitter. Default Math.random. */
  random?: () => number;
  timers?: Timers;
  /** Source of `online`/`offline` events. Default `window` in browsers, none in Node. */
  onlineEvents?: EventTarget | null;
  /** A channel not used (no push, no delivered event) and not held by a scope this long is left (R2.4). Default 300 000. */
  idleChannelEvictMs?: number;
  /** Subscriptions per connection (R2.4). Default 50. */
  maxChannels?: number;
  /** Reply timeout of joins, leaves and pushes. Default 10 000. */
  pushTimeoutMs?: number;
  /** Pushes waiting per channel for its join. Default 100. */
  maxBufferedPushes?: number;
  /** A graceful close unanswered this long is cut. Default 1 000. */
  closeTimeoutMs?: number;
  /** Receives exceptions thrown by app handlers (they never break delivery). Default console.error. */
  onError?: (error: unknown) => void;
  /**
   * R15.1 HTTP long-poll fallback (same URL with `/longpoll` for `/websocket`). Default: on when the
   * platform WebSocket is used (browsers), off when a WebSocket class is injected, unless given.
   */
  longPoll?: boolean | LongPollFallbackOptions;
  /** R13.2 data-usage counting (clock, day key, storage for daily totals). */
  usage?: DataUsageOptions;
}

const DEFAULTS = {
  vsn: '1.0.0' as SerializerVersion,
  heartbeatIntervalMs: 30_000,
  idleChannelEvictMs: 300_000,
  maxChannels: 50,
  pushTimeoutMs: 10_000,
  maxBufferedPushes: 100,
  closeTimeoutMs: 1_000,
};

/**
 * The isomorphic realtime client: one WebSocket (R1.1), its connection state (R1.5), channels with
 * presence and broadcast, auto-subscribe scopes (R2.3) and the subscription limit (R2.4).
 */
export class RealtimeClient {
  private readonly connection: Connection;
  private readonly tokens: TokenSource;
  private readonly registry: ChannelRegistry;
  private readonly host: ChannelHost;
  private readonly selector: TransportSelector;
  private readonly statusView: TransportStatusView;
  /** R13.2 bytes sent/received per session and day. */
  readonly usageMeter: DataUsageMeter;
  private joinPriority: ((topic: string) => number) | undefined;
  private closed = false;

  constructor(options: RealtimeClientOptions) {
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImpl)
      throw new TypeError('No WebSocket implementation: pass options.WebSocket (e.g. the `ws` package in Node 20)');
    if (typeof options.token === 'string' && options.token.length === 0) throw new RealtimeError('TOKEN_MISSING');
    const timers = options.timers ?? systemTimers;
    const random = options.random ?? Math.random;
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const pushTimeoutMs = options.pushTimeoutMs ?? DEFAULTS.pushTimeoutMs;
    const reportError =
      options.onError ?? ((error: unknown) => console.error('[wedsync/client] handler failed', error));
    const browserWindow = (globalThis as { window?: EventTarget }).window;
    this.tokens = new TokenSource(options.token, timers);
    this.usageMeter = new DataUsageMeter({ nowMs: () => timers.now(), ...options.usage });
    const longPoll = options.longPoll ?? options.WebSocket === undefined;
    this.selector = new TransportSelector({
      WebSocket: WebSocketImpl,
      longPoll: longPoll === true ? {} : longPoll,
      timers,
      onBytes: (direction, bytes) => this.usageMeter.record(direction, bytes),
      onUpgradeAvailable: () => {
        if (!this.closed && this.connection.isConnected) this.connection.reconnect();
      },
    });
    this.registry = new ChannelRegistry(
      timers,
      options.idleChannelEvictMs ?? DEFAULTS.idleChannelEvictMs,
      options.maxChannels ?? DEFAULTS.maxChannels,
    );
    this.connection = new Connection(
      {
        url: options.url,
        params: options.params ?? {},
        vsn: options.vsn ?? DEFAULTS.vsn,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
        backoff,
        random,
        timers,
        WebSocket: this.selector.WebSocket,
        tokens: this.tokens,
        onlineEvents: options.onlineEvents === undefined ? (browserWindow ?? null) : options.onlineEvents,
        closeTimeoutMs: options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs,
      },
      {
        onFrame: (frame: Frame) => this.registry.get(frame.topic)?.handleFrame(frame),
        onUp: () => {
          for (const channel of this.joinOrder()) channel.handleConnectionUp();
        },
        onDown: (reason: string) => {
          for (const channel of this.registry.all()) channel.handleConnectionDown(reason);
        },
      },
    );
    this.statusView = new TransportStatusView(this.connection, this.selector);
    const connection = this.connection;
    const registry = this.registry;
    this.host = {
      timers,
      pushTimeoutMs,
      maxBufferedPushes: options.maxBufferedPushes ?? DEFAULTS.maxBufferedPushes,
      isConnected: () => connection.isConnected,
      ensureConnected: () => {
        const { state, reason } = connection.status;
        if (state === 'disconnected' && reason !== 'MANUAL') connection.connect();
      },
      makeRef: () => connection.makeRef(),
      send: (frame) => connection.send(frame),
      accessToken: () => this.tokens.value,
      admit: (channel) => registry.admit(channel as Channel),
      retryWithFreshToken: (code) => connection.retryWithFreshToken(code),
      enterAuthError: (code) => connection.enterError(code),
      markAuthenticated: () => connection.markAuthenticated(),
      rejoinDelayMs: (attempt) => backoffDelayMs(attempt, backoff, random),
      channelChanged: () => registry.planIdleEviction(),
      reportError,
    };
    this.tokens.onChange((token) => this.pushAccessToken(token));
  }

  /** The current connection status with the transport in use (a new frozen object on every change). */
  get status(): ClientStatus {
    return this.statusView.status;
  }

  /** Called on every status change (including a transport switch); returns the unsubscribe function. */
  onStatus(listener: ClientStatusListener): () => void {
    return this.statusView.onStatus(listener);
  }

  /** R13.2: bytes sent and received by this client (this session) and today. */
  usage(): DataUsage {
    return this.usageMeter.usage();
  }

  /**
   * R13.1: after every (re)connect channels rejoin in ascending `priority(topic)` (e.g. 0 for what is
   * on screen, 1 for the rest), so visible content's data arrives first. Ties keep creation order.
   */
  setJoinPriority(priority: ((topic: string) => number) | undefined): void {
    this.joinPriority = priority;
  }

  /** R15.1: while on long-poll, probe for a working WebSocket (default on; off e.g. while the page is hidden). */
  setTransportProbing(enabled: boolean): void {
    this.selector.setProbing(enabled);
  }

  /** Opens the connection (joining a channel does this too, unless the app called disconnect()). */
  connect(): void {
    this.connection.connect();
  }

  /** Drops the link and connects again at once (the indicator's retry button, R1.6). */
  reconnect(): void {
    this.connection.reconnect();
  }

  /** Closes the link without reconnecting; channels rejoin after connect(). */
  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  /**
   * Replaces the token (e.g. after the user logged in again): joined channels get it as `access_token`
   * without reconnecting (R14.1); a client in `error` reconnects with it.
   */
  setToken(token: string): void {
    this.tokens.set(token);
    if (!this.closed && this.connection.status.state === 'error') this.connection.connect();
  }

  /** The channel for `topic` (one instance per topic; `options` apply when it is first created). */
  channel(topic: string, options: ChannelOptions = {}): Channel {
    if (this.closed) throw new RealtimeError('CLIENT_CLOSED');
    const existing = this.registry.get(topic);
    if (existing) return existing;
    const channel = new Channel(topic, options, this.host);
    this.registry.add(channel);
    return channel;
  }

  /** Every channel the client knows, joined or not. */
  channels(): Channel[] {
    return this.registry.all();
  }

  /** Leaves the channel and forgets it; `channel(topic)` then creates a new instance. */
  async removeChannel(channel: Channel): Promise<void> {
    await channel.leave();
    this.registry.delete(channel);
  }

  /** Joins `topics` and holds them until the scope is disposed (R2.3). */
  subscriptionScope(topics: readonly string[], options: SubscriptionScopeOptions = {}): SubscriptionScope {
    const { channelOptions } = options;
    const channels = [...new Set(topics)].map((topic) =>
      this.channel(topic, typeof channelOptions === 'function' ? channelOptions(topic) : channelOptions),
    );
    return new SubscriptionScope(channels, options);
  }

  /** Same as subscriptionScope(): the name reads better for "primary channels at login". */
  autoSubscribe(topics: readonly string[], options: SubscriptionScopeOptions = {}): SubscriptionScope {
    return this.subscriptionScope(topics, options);
  }

  /** Releases every timer, listener and socket; pending promises reject with CLIENT_CLOSED. Idempotent. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const channel of this.registry.all()) channel.dispose();
      this.registry.stop();
      this.selector.dispose();
      this.usageMeter.flush();
    }
    await this.connection.close();
  }

  private joinOrder(): Channel[] {
    const channels = this.registry.all();
    const priority = this.joinPriority;
    if (!priority) return channels;
    const ranked = channels.map((channel, index) => ({ channel, index, rank: safeRank(priority, channel.topic) }));
    ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
    return ranked.map((entry) => entry.channel);
  }

  private pushAccessToken(token: string): void {
    for (const channel of this.registry.all()) {
      if (channel.state !== 'joined' || !this.connection.isConnected) continue;
      this.connection.send({
        joinRef: channel.joinRef,
        ref: this.connection.makeRef(),
        topic: channel.topic,
        event: EVENTS.accessToken,
        payload: { access_token: token },
      });
    }
  }
}

function safeRank(priority: (topic: string) => number, topic: string): number {
  try {
    const rank = priority(topic);
    return Number.isFinite(rank) ? rank : 0;
  } catch {
    return 0;
  }
}
