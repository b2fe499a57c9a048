import type { AddressInfo } from 'node:net';
import { stripSupabasePrefix } from '@wedsync/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { AuditSink } from './audit/audit-sink.ts';
import { registerBroadcastRoutes } from './broadcast/broadcast-http-route.ts';
import { buildEngineContext } from './channels/build-engine-context.ts';
import { disposeSession, expireSession } from './channels/channel-lifecycle.ts';
import { BUILT_IN_EVENTS, handleSocketMessage } from './channels/channel-router.ts';
import type { EngineContext } from './channels/engine-context.ts';
import type { EventHandler, JoinListenerContext, LeaveListenerContext, RealtimeHooks } from './channels/hooks.ts';
import { revokeUser, subscribeControl } from './channels/revocation.ts';
import type { FanoutBus } from './fanout/fanout-bus.ts';
import { InProcessBusHub } from './fanout/in-process-bus.ts';
import { OriginPolicy } from './limits/origin-policy.ts';
import { ExpiryQueue } from './session/expiry-queue.ts';
import type { Session } from './session/session.ts';
import type { SessionInfo } from './session/session-info.ts';
import { type HealthCheck, registerHttpRoutes } from './transport/http-routes.ts';
import { mountLongPoll } from './transport/long-poll-routes.ts';
import { Outbox } from './transport/outbox.ts';
import { isTlsServer, type TlsOptions } from './transport/tls-options.ts';
import { createUpgradeHandler } from './transport/upgrade-handler.ts';

export interface RealtimeServerOptions {
  /** HS256 shared secret. At least one of `jwtSecret` / `jwksUrl` is required. */
  jwtSecret?: string;
  /** JWKS endpoint for RS256/ES256 tokens (fetched and cached). */
  jwksUrl?: string;
  /** `apikey` values that identify the app, not a user (e.g. a Supabase anon key); ignored as tokens. `sb_…` keys are always ignored. */
  publicApiKeys?: string[];
  /** Fan-out between nodes. Default: a fresh in-process bus (single node). A given bus is NOT closed by `close()`. */
  bus?: FanoutBus;
  hooks?: RealtimeHooks;
  /** R1.3: clients heartbeat this often; silent sockets are dropped after 2×. Default 30_000. */
  heartbeatIntervalMs?: number;
  /** R4.3: how often each node re-announces its presence members. Default 5_000. */
  presenceHeartbeatMs?: number;
  /** Remote presence members not re-announced for this long are removed (no ghosts). Default 3 × presenceHeartbeatMs. */
  presenceTtlMs?: number;
  /** Largest accepted frame in bytes; larger ones get PAYLOAD_TOO_LARGE (above 4× the socket is closed with 1009). Default 65_536. */
  maxPayloadBytes?: number;
  /** R2.4: default 50; the next join gets SUBSCRIPTION_LIMIT. */
  maxChannelsPerConnection?: number;
  /** Allowed `Origin` header values (exact, e.g. `https://app.wedsync.com`). Unset: all. Requests without Origin (non-browser) are allowed. */
  allowedOrigins?: string[];
  /**
   * R14.1 per-user message rate limit (every client frame except heartbeats). Default 100 per 1_000 ms,
   * in memory (per node). Pass `{ limiter }` (e.g. RateLimiterRedis) to share the budget across nodes, or `false` to disable.
   */
  rateLimit?: { points: number; durationMs: number } | { limiter: RateLimiterAbstract } | false;
  /** Per-user connection cap on this node; the next connection is closed with CONNECTION_LIMIT. Default 20. */
  maxConnectionsPerUser?: number;
  /** A socket whose unsent buffer exceeds this is closed (slow consumer). Default 8 MiB. */
  maxBufferedBytes?: number;
  logger?: Logger;
  /** Mount on an existing Fastify app (before it is ready). Default: a new one; `close()` closes only an app it created. */
  app?: FastifyInstance;
  healthChecks?: Record<string, HealthCheck>;
  /** Clock (epoch ms) for token expiry, heartbeat and presence TTL decisions. Default Date.now. */
  nowMs?: () => number;
  /**
   * R15.1 HTTP long-poll fallback at `/socket/longpoll` and `/realtime/v1/longpoll` (on by default;
   * `false` disables it). `pollTimeoutMs`: an idle poll is answered 204 after this long, default 20_000
   * (capped at heartbeatIntervalMs). `maxBodyBytes`: largest POST, default 1 MiB (at least maxPayloadBytes).
   */
  longPoll?: { pollTimeoutMs?: number; maxBodyBytes?: number } | false;
  /** R14.1: serve https/wss with this certificate and key (only for the app this creates; a given `app` brings its own). */
  https?: TlsOptions;
  /**
   * R14.1 audit trail: connect, disconnect (reason), join, refused join (code), leave, token refresh, rights
   * revoked and rate limit hits go to this sink (e.g. an `AuditTrail`). Default: none.
   */
  audit?: AuditSink;
}

export interface ListenOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /**
   * Pending-connection queue length of the listening socket. Default 4_096: Node's own default of 511
   * overflowed in a 3,000 connections/s storm (connections reset). The kernel caps it at
   * `net.core.somaxconn` (Linux).
   */
  backlog?: number;
}

export interface ListenResult {
  port: number;
  /** `http://host:port` (`https://` with TLS) */
  url: string;
  /** `ws://host:port/socket/websocket` (`wss://` with TLS) */
  wsUrl: string;
}

export interface RealtimeStats {
  sessions: number;
  /** Users with at least one session. */
  users: number;
  /** Topics with local members (each holds one bus subscription). */
  topics: number;
  /** Joined channels across all sessions. */
  memberships: number;
  /** Topics for which presence state is held. */
  presenceTopics: number;
}

export interface PublishOptions {
  /** Do not deliver to this session (e.g. the sender). */
  excludeSessionId?: string;
}

/** The running engine. Every method is safe to call from hooks and listeners. */
export interface RealtimeServer {
  readonly app: FastifyInstance;
  readonly nodeId: string;
  readonly bus: FanoutBus;
  /** This server's own prom-client registry (also served at `GET /metrics`). */
  readonly metrics: Registry;
  /** Open WebSocket sessions on this node. */
  readonly sessionCount: number;
  /** Sizes of the engine's internal maps (all 0 on an idle node; used by leak tests and /healthz). */
  stats(): RealtimeStats;
  listen(options?: ListenOptions): Promise<ListenResult>;
  /** Closes every socket with SERVER_SHUTTING_DOWN (4010), releases every timer and bus subscription. Idempotent. */
  close(): Promise<void>;
  /**
   * R2.2: ends the user's subscriptions at once on every node (a control message on the bus): each gets
   * `system` {status:'error', message:'RIGHTS_REVOKED: …'} then `phx_close`. `topicFilter`: a canonical
   * topic, or a prefix ending in `*` (`wedding:42*`); absent = every topic.
   */
  revokeUser(userId: string, topicFilter?: string): Promise<void>;
  /** Registers a custom channel event (e.g. `sync_mutate`, `lock`). Throws if the event is built in or taken. */
  registerEvent(event: string, handler: EventHandler): void;
  /** Called after the ok join reply (and presence_state) was sent; e.g. to replay missed changes. Returns an unsubscribe. */
  onJoin(listener: (ctx: JoinListenerContext) => void | Promise<void>): () => void;
  onLeave(listener: (ctx: LeaveListenerContext) => void): () => void;
  /** Called once per authenticated session when its socket is gone, after its onLeave calls. */
  onDisconnect(listener: (session: SessionInfo) => void): () => void;
  /** Ephemeral push `[null, null, topic, event, payload]` to every member of `topic` on every node, via the bus. */
  publishToTopic(topic: string, event: string, payload: unknown, options?: PublishOptions): Promise<void>;
  /**
   * Pushes `[null, null, topic, event, payload]` to this node's members of `topic` only. With a function, it
   * is called per member; members for which it returns undefined are skipped, and each distinct returned
   * object is serialised once (per-audience projection). Returns the number of frames queued.
   */
  deliverLocal(topic: string, event: string, payloadFor: (session: SessionInfo) => unknown): number;
  /** The same payload to every local member of `topic`, serialised once. */
  deliverLocal(topic: string, event: string, payload: unknown): number;
  /** This node's members of `topic` (canonical or `realtime:` form). */
  localMembers(topic: string): SessionInfo[];
}

/** See `ListenOptions.backlog`. */
export const DEFAULT_LISTEN_BACKLOG = 4_096;

/** Sockets still open this long after `close()` sent SERVER_SHUTTING_DOWN are terminated. */
const SHUTDOWN_GRACE_MS = 1_000;

/**
 * Creates the engine and mounts it on a Fastify app (given or new): WebSocket upgrade at
 * `/socket/websocket` and `/realtime/v1/websocket`, the long-poll fallback at `/socket/longpoll` and
 * `/realtime/v1/longpoll` (R15.1), `GET /healthz`, `GET /metrics`,
 * `POST /api/broadcast…`. Resolves once the node listens to its bus control subject; call
 * `listen()` to open the port (unless you listen on your own app).
 */
export async function createRealtimeServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const ownsBus = options.bus === undefined;
  const bus = options.bus ?? new InProcessBusHub().createBus();
  const logger = options.logger ?? pino({ level: 'warn' });
  const ctx = buildEngineContext(options, bus, logger);
  options.audit?.registerMetrics?.(ctx.metrics.registry);
  const ownsApp = options.app === undefined;
  if (options.app && options.https)
    throw new TypeError('`https` applies only without `app`: give your app its own https options');
  const app =
    options.app ??
    (Fastify({
      loggerInstance: logger,
      forceCloseConnections: true,
      ...(options.https ? { https: options.https } : {}),
    }) as unknown as FastifyInstance);
  const outbox = new Outbox();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: ctx.limits.maxPayloadBytes * 4,
    perMessageDeflate: false,
    // ws ≥ 8.18 option, missing from @types/ws: destroy a socket whose close handshake stalls (dead peer).
    ...({ closeTimeout: 2_000 } as object),
  });
  const expiries = new ExpiryQueue<Session>({ nowMs: ctx.nowMs, onExpire: (session) => expireSession(ctx, session) });
  const sessionDeps = {
    outbox,
    nowMs: ctx.nowMs,
    maxBufferedBytes: ctx.limits.maxBufferedBytes,
    onFramesOut: (count: number) => ctx.metrics.messagesOut.inc(count),
    expiries,
  };
  const origins = new OriginPolicy(options.allowedOrigins);
  // One pair of listeners for all sockets (`this` is the socket), not two closures per connection (issue 9).
  function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    handleSocketMessage(ctx, sessionOfSocket(this), data, isBinary);
  }
  function onSocketClose(this: WebSocket, code: number): void {
    const session = sessionOfSocket(this);
    if (session.closed) return;
    disposeSession(ctx, session);
    ctx.audit.disconnect(session, code);
  }
  const onSession = (session: Session) => {
    ctx.sessions.add(session);
    (session.socket as SocketWithSession)[SESSION_OF_SOCKET] = session;
    session.socket.on('message', onSocketMessage);
    session.socket.on('close', onSocketClose);
  };
  const upgrade = createUpgradeHandler(ctx, {
    wss,
    origins,
    sessionDeps,
    otherUpgradeListeners: () => app.server.listenerCount('upgrade') > 1,
    onSession,
  });
  app.server.on('upgrade', upgrade);
  const longPoll =
    options.longPoll === false
      ? undefined
      : mountLongPoll(ctx, app, options.longPoll ?? {}, { origins, sessionDeps, onSession });
  registerHttpRoutes(app, ctx, options.healthChecks ?? {});
  registerBroadcastRoutes(app, ctx);
  const unsubscribeControl = await subscribeControl(ctx);
  ctx.sessions.startSweep(ctx.limits.heartbeatIntervalMs, ctx.nowMs, (session) => {
    if (session.socket.readyState !== WebSocket.OPEN) return;
    ctx.metrics.heartbeatTimeouts.inc();
    session.close('HEARTBEAT_TIMEOUT', `No message for ${2 * ctx.limits.heartbeatIntervalMs} ms`);
  });
  // Periodic housekeeping: the presence heartbeat, and ended rate-limit windows dropped.
  const presenceTimer = setInterval(() => {
    ctx.presence.heartbeat();
    ctx.rateLimiter.sweep();
  }, ctx.limits.presenceHeartbeatMs);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ctx.shuttingDown = true;
      ctx.sessions.stopSweep();
      clearInterval(presenceTimer);
      app.server.off('upgrade', upgrade);
      await Promise.all([closeSockets(ctx, wss), longPoll?.close()]);
      outbox.close();
      expiries.close();
      await ctx.topics.close();
      await unsubscribeControl().catch(() => {});
      wss.close();
      if (ownsApp) await app.close();
      if (ownsBus) await bus.close();
    })();
    return closing;
  };

  return {
    app,
    nodeId: ctx.nodeId,
    bus,
    metrics: ctx.metrics.registry,
    get sessionCount() {
      return ctx.sessions.size;
    },
    stats: () => ({
      sessions: ctx.sessions.size,
      users: ctx.sessions.userCount,
      topics: ctx.topics.topicCount,
      memberships: ctx.topics.membershipCount,
      presenceTopics: ctx.presence.topicCount,
    }),
    async listen({ port = 0, host = '127.0.0.1', backlog = DEFAULT_LISTEN_BACKLOG } = {}) {
      await app.listen({ port, host, backlog });
      const address = app.server.address() as AddressInfo;
      const base = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      const secure = isTlsServer(app.server);
      return {
        port: address.port,
        url: `${secure ? 'https' : 'http'}://${base}`,
        wsUrl: `${secure ? 'wss' : 'ws'}://${base}/socket/websocket`,
      };
    },
    close,
    revokeUser: (userId, topicFilter) => revokeUser(ctx, userId, topicFilter),
    registerEvent(event, handler) {
      if (typeof event !== 'string' || event.length === 0) throw new TypeError('event must be a non-empty string');
      if (BUILT_IN_EVENTS.has(event)) throw new Error(`"${event}" is a built-in event`);
      if (ctx.events.has(event)) throw new Error(`"${event}" is already registered`);
      ctx.events.set(event, handler);
    },
    onJoin: (listener) => addListener(ctx.joinListeners, listener),
    onLeave: (listener) => addListener(ctx.leaveListeners, listener),
    onDisconnect: (listener) => addListener(ctx.disconnectListeners, listener),
    publishToTopic: (topic, event, payload, publishOptions) =>
      ctx.delivery.publish(stripSupabasePrefix(topic), event, payload, publishOptions?.excludeSessionId),
    deliverLocal(topic: string, event: string, payloadFor: unknown) {
      const canonical = stripSupabasePrefix(topic);
      if (typeof payloadFor !== 'function') return ctx.delivery.deliverLocal(canonical, event, payloadFor);
      const project = payloadFor as (session: SessionInfo) => unknown;
      return ctx.delivery.deliverProjected(canonical, event, (member) => project(member.session.info()));
    },
    localMembers: (topic) => [...ctx.topics.members(stripSupabasePrefix(topic))].map((member) => member.session.info()),
  };
}

const SESSION_OF_SOCKET = Symbol('session');
type SocketWithSession = WebSocket & { [SESSION_OF_SOCKET]?: Session };

function sessionOfSocket(socket: WebSocket): Session {
  return (socket as SocketWithSession)[SESSION_OF_SOCKET]!;
}

function addListener<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => set.delete(listener);
}

/** Sends SERVER_SHUTTING_DOWN to every socket, waits for their close (bounded), terminates stragglers. */
async function closeSockets(ctx: EngineContext, wss: WebSocketServer): Promise<void> {
  const sessionsBySocket = new Map<WebSocket, Session>(
    [...ctx.sessions.all()].map((session) => [session.socket, session]),
  );
  const sockets = [...wss.clients].filter((socket) => socket.readyState !== WebSocket.CLOSED);
  if (sockets.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.all(
    sockets.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()))),
  );
  for (const socket of sockets) {
    const session = sessionsBySocket.get(socket);
    if (session) session.close('SERVER_SHUTTING_DOWN', 'The server is shutting down');
    else if (socket.readyState === WebSocket.OPEN) socket.close(4010, 'SERVER_SHUTTING_DOWN');
  }
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
  });
  await Promise.race([closed, deadline]);
  clearTimeout(timer);
  for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
  await closed;
}
