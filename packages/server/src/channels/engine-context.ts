import type { Logger } from 'pino';
import type { EngineAudit } from '../audit/engine-audit.ts';
import type { AuthUser } from '../auth/auth-user.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import type { TopicDelivery } from '../broadcast/topic-delivery.ts';
import type { FanoutBus } from '../fanout/fanout-bus.ts';
import type { MessageRateLimiter } from '../limits/message-rate-limiter.ts';
import type { RealtimeMetrics } from '../metrics/realtime-metrics.ts';
import type { PresenceTracker } from '../presence/presence-tracker.ts';
import type { Membership } from '../session/session.ts';
import type { SessionInfo } from '../session/session-info.ts';
import type { SessionRegistry } from '../session/session-registry.ts';
import type {
  AuthDecision,
  EventHandler,
  JoinContext,
  JoinListenerContext,
  LeaveListenerContext,
  MessageContext,
} from './hooks.ts';
import type { TopicIndex } from './topic-index.ts';

/** Numeric limits after defaults were applied. */
export interface EngineLimits {
  heartbeatIntervalMs: number;
  presenceHeartbeatMs: number;
  presenceTtlMs: number;
  maxPayloadBytes: number;
  maxChannelsPerConnection: number;
  maxConnectionsPerUser: number;
  maxBufferedBytes: number;
  /** Bytes of one session's inbound frames waiting to be handled; beyond it frames get RATE_LIMITED. */
  maxPendingBytes: number;
}

/** Everything the engine's parts share; built once per server by `createRealtimeServer`. */
export interface EngineContext {
  readonly nodeId: string;
  readonly nowMs: () => number;
  readonly logger: Logger;
  readonly bus: FanoutBus;
  readonly limits: EngineLimits;
  readonly metrics: RealtimeMetrics;
  /** R14.1 audit points (no-ops without `audit`). */
  readonly audit: EngineAudit;
  readonly verifier: TokenVerifier;
  readonly rateLimiter: MessageRateLimiter;
  readonly topics: TopicIndex;
  readonly delivery: TopicDelivery;
  readonly presence: PresenceTracker;
  readonly sessions: SessionRegistry;
  /** `apikey` values that are not user tokens. */
  readonly publicApiKeys: ReadonlySet<string>;
  readonly events: Map<string, EventHandler>;
  readonly joinListeners: Set<(ctx: JoinListenerContext) => void | Promise<void>>;
  readonly leaveListeners: Set<(ctx: LeaveListenerContext) => void>;
  readonly disconnectListeners: Set<(session: SessionInfo) => void>;
  authorizeJoin(ctx: JoinContext): AuthDecision | Promise<AuthDecision>;
  /** `member`: the channel (undefined for HTTP), whose join payload the default that falls back to authorizeJoin passes on. */
  authorizeMessage(ctx: MessageContext, member: Membership | undefined): AuthDecision | Promise<AuthDecision>;
  /** Whether memberships keep their join payload (only the `authorizeJoin` hook reads it after the join). */
  readonly keepsJoinPayloads: boolean;
  userFromClaims(claims: Record<string, unknown>): AuthUser;
  /** True once `close()` began: new connections and joins are refused with SERVER_SHUTTING_DOWN. */
  shuttingDown: boolean;
}

/** Tokens that are app keys rather than user tokens (`sb_…` publishable/secret keys, configured public keys). */
export function isUserToken(ctx: EngineContext, token: string | undefined | null): token is string {
  return typeof token === 'string' && token.length > 0 && !token.startsWith('sb_') && !ctx.publicApiKeys.has(token);
}

/** Calls a hook, turning a throw or a malformed answer into a refusal instead of a crash. */
export async function decide(
  ctx: EngineContext,
  run: () => AuthDecision | Promise<AuthDecision>,
): Promise<AuthDecision> {
  try {
    const decision = await run();
    if (decision === true) return true;
    if (decision && typeof decision === 'object' && decision.ok === false && typeof decision.code === 'string')
      return decision;
    ctx.logger.error({ decision }, 'authorization hook returned neither true nor a refusal; refusing');
    return { ok: false, code: 'SERVER_ERROR', message: 'Authorization failed' };
  } catch (error) {
    ctx.logger.error({ err: error }, 'authorization hook threw; refusing');
    return { ok: false, code: 'SERVER_ERROR', message: 'Authorization failed' };
  }
}
