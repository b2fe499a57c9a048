import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-sink.ts';
import { EngineAudit } from '../audit/engine-audit.ts';
import { defaultUserFromClaims } from '../auth/auth-user.ts';
import { TokenVerifier } from '../auth/token-verifier.ts';
import { ownMessageTest, parseBusMessage, type TopicBusMessage } from '../broadcast/bus-messages.ts';
import { TopicDelivery } from '../broadcast/topic-delivery.ts';
import type { FanoutBus } from '../fanout/fanout-bus.ts';
import { MessageRateLimiter, type RateLimitOption } from '../limits/message-rate-limiter.ts';
import { RealtimeMetrics } from '../metrics/realtime-metrics.ts';
import { PresenceTracker } from '../presence/presence-tracker.ts';
import { joinPayloadOf } from '../session/session.ts';
import { SessionRegistry } from '../session/session-registry.ts';
import type { EngineContext, EngineLimits } from './engine-context.ts';
import type { RealtimeHooks } from './hooks.ts';
import { TopicIndex, topicSubject } from './topic-index.ts';

export interface EngineOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  publicApiKeys?: string[];
  hooks?: RealtimeHooks;
  heartbeatIntervalMs?: number;
  presenceHeartbeatMs?: number;
  presenceTtlMs?: number;
  maxPayloadBytes?: number;
  maxChannelsPerConnection?: number;
  maxConnectionsPerUser?: number;
  maxBufferedBytes?: number;
  rateLimit?: RateLimitOption;
  nowMs?: () => number;
  audit?: AuditSink;
}

/** Defaults of every limit (see RealtimeServerOptions for meanings). */
export function resolveLimits(options: EngineOptions): EngineLimits {
  const presenceHeartbeatMs = positive(options.presenceHeartbeatMs, 5_000);
  return {
    heartbeatIntervalMs: positive(options.heartbeatIntervalMs, 30_000),
    presenceHeartbeatMs,
    presenceTtlMs: positive(options.presenceTtlMs, 3 * presenceHeartbeatMs),
    maxPayloadBytes: positive(options.maxPayloadBytes, 65_536),
    maxChannelsPerConnection: positive(options.maxChannelsPerConnection, 50),
    maxConnectionsPerUser: positive(options.maxConnectionsPerUser, 20),
    maxBufferedBytes: positive(options.maxBufferedBytes, 8 * 1024 * 1024),
    maxPendingBytes: 4 * 1024 * 1024,
  };
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`expected a positive number, got ${value}`);
  return value;
}

/** Wires the engine's parts around one bus; no timers or sockets are started here. */
export function buildEngineContext(options: EngineOptions, bus: FanoutBus, logger: Logger): EngineContext {
  const nowMs = options.nowMs ?? Date.now;
  const nodeId = bus.nodeId;
  const limits = resolveLimits(options);
  const hooks = options.hooks ?? {};
  const sessions = new SessionRegistry();
  const publishPresence = (topic: string, message: TopicBusMessage) => {
    bus.publish(topicSubject(topic), JSON.stringify(message)).catch((error: unknown) => {
      logger.debug({ err: error, topic }, 'presence publish failed');
    });
  };
  const isOwnMessage = ownMessageTest(nodeId);
  const topics: TopicIndex = new TopicIndex({
    bus,
    logger,
    onBusMessage(topic, text) {
      // The bus hands this node's own publishes back; recognise them without parsing (DESIGN §7).
      if (isOwnMessage(text)) return;
      const message = parseBusMessage<TopicBusMessage>(text);
      if (!message) return;
      if (message.k === 'm' || message.k === 'mb') delivery.onBusMessage(topic, message);
      else presence.onBusMessage(topic, message);
    },
    onTopicOpened: (topic) => presence.requestSync(topic),
    onTopicClosed: (topic) => presence.dropTopic(topic),
  });
  const delivery = new TopicDelivery({ nodeId, bus, topics, logger });
  const presence: PresenceTracker = new PresenceTracker({
    nodeId,
    nowMs,
    ttlMs: limits.presenceTtlMs,
    publish: publishPresence,
    pushDiff: (topic, diff) => delivery.deliverLocal(topic, 'presence_diff', diff, (member) => member.presenceEnabled),
    localMembers: (topic) => topics.members(topic),
    holdsTopic: (topic) => topics.has(topic),
    presenceMeta: hooks.presenceMeta
      ? (member, meta) => hooks.presenceMeta?.({ session: member.session.info(), topic: member.topic, meta })
      : undefined,
  });
  const metrics = new RealtimeMetrics(nodeId, {
    connections: () => sessions.size,
    channels: () => topics.membershipCount,
    topics: () => topics.topicCount,
  });
  const authorizeJoin: EngineContext['authorizeJoin'] = (ctx) =>
    hooks.authorizeJoin ? hooks.authorizeJoin(ctx) : true;
  return {
    nodeId,
    nowMs,
    logger,
    bus,
    limits,
    metrics,
    audit: new EngineAudit(options.audit, nodeId, nowMs),
    verifier: new TokenVerifier({ jwtSecret: options.jwtSecret, jwksUrl: options.jwksUrl, nowMs }),
    rateLimiter: new MessageRateLimiter(options.rateLimit),
    topics,
    delivery,
    presence,
    sessions,
    publicApiKeys: new Set(options.publicApiKeys ?? []),
    events: new Map(),
    joinListeners: new Set(),
    leaveListeners: new Set(),
    disconnectListeners: new Set(),
    authorizeJoin,
    authorizeMessage: (ctx, member) =>
      hooks.authorizeMessage
        ? hooks.authorizeMessage(ctx)
        : authorizeJoin({
            user: ctx.user,
            topic: ctx.topic,
            parsedTopic: ctx.parsedTopic,
            payload: member ? joinPayloadOf(member) : {},
            session: ctx.session,
          }),
    keepsJoinPayloads: hooks.authorizeJoin !== undefined,
    userFromClaims: (claims) => (hooks.userFromClaims ? hooks.userFromClaims(claims) : defaultUserFromClaims(claims)),
    shuttingDown: false,
  };
}
