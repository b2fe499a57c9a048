import type { ErrorCode, JoinPayload, Topic } from '@wedsync/protocol';
import type { AuthUser } from '../auth/auth-user.ts';
import type { SessionInfo } from '../session/session-info.ts';

/**
 * Hook and listener types through which the product (wedding rules, record sync) plugs into the
 * generic engine. Topics handed to hooks are canonical: without the `realtime:` prefix that
 * Supabase clients add, so `realtime:wedding:42` and `wedding:42` are one channel.
 */

/** `true` allows; a refusal names an ERROR_CODES code and a human message (sent as `reason: "CODE: message"`). */
export type AuthDecision = true | { ok: false; code: ErrorCode; message: string };

export interface JoinContext {
  user: AuthUser;
  /** Canonical topic (no `realtime:` prefix). */
  topic: string;
  /** The R2.1 grammar parse of `topic`, or undefined when it is not one of our product topics. */
  parsedTopic: Topic | undefined;
  /** The lenient-parsed `phx_join` payload (config, tokens, our `config.sync`). `{}` for HTTP broadcasts. */
  payload: JoinPayload;
  /** Absent when the request came over the HTTP broadcast API. */
  session?: SessionInfo;
}

export interface MessageContext {
  user: AuthUser;
  topic: string;
  parsedTopic: Topic | undefined;
  /** The channel event: `broadcast`, `presence`, or a registered custom event such as `sync_mutate`. */
  event: string;
  /** The frame payload. For binary broadcasts: `{ type: 'broadcast', event, payload }` with `payload` a Uint8Array when raw. */
  payload: unknown;
  /** Absent when the request came over the HTTP broadcast API. */
  session?: SessionInfo;
}

export interface RealtimeHooks {
  /** R2.2: decides every join (from the database). Default: allow any authenticated user. */
  authorizeJoin?(ctx: JoinContext): AuthDecision | Promise<AuthDecision>;
  /**
   * R14.1: re-checks every message a client sends to a joined channel (and every HTTP broadcast).
   * Default: `authorizeJoin` with the channel's join payload.
   */
  authorizeMessage?(ctx: MessageContext): AuthDecision | Promise<AuthDecision>;
  /** Maps verified claims (`sub` and `exp` present) to the user. Default: id = sub, name = name ?? email ?? sub. */
  userFromClaims?(claims: Record<string, unknown>): AuthUser;
  /**
   * R4.3, R14.2: what others see of a member's presence. Called with the meta of every `track` (the
   * returned meta is tracked instead, e.g. redacted) and again with the meta the client sent at each presence
   * heartbeat of this node (`presenceHeartbeatMs`). `undefined` hides the member: a track is answered
   * ok but nothing is tracked, and an already tracked member is untracked (peers get a leave), so a
   * person who switches presence off disappears within one presence heartbeat. Synchronous and cheap
   * (it runs per member per heartbeat): read rights the application holds in memory. A throw hides.
   * Default: every meta as sent.
   */
  presenceMeta?(ctx: PresenceContext): Record<string, unknown> | undefined;
}

export interface PresenceContext {
  session: SessionInfo;
  /** Canonical topic. */
  topic: string;
  /** The meta the client tracks (without `phx_ref`). */
  meta: Record<string, unknown>;
}

/** Context of a custom channel event (registered with `registerEvent`). */
export interface EventContext {
  session: SessionInfo;
  /** Canonical topic. */
  topic: string;
  /** The topic exactly as this client joined it (frames to it use this form). */
  wireTopic: string;
  joinRef: string | null;
  ref: string | null;
  payload: Record<string, unknown>;
  /** Sends the `phx_reply` for this message; only the first call counts, later ones are ignored. No-op when `ref` is null. */
  reply(status: 'ok' | 'error', response?: unknown): void;
  /** Pushes `[joinRef, null, topic, event, payload]` to this session only. */
  push(event: string, payload: unknown): void;
}

/**
 * Handles one custom event after: membership check (else UNMATCHED_TOPIC), rate limit (RATE_LIMITED),
 * `authorizeMessage`. Messages of one session are handled one at a time in arrival order (an async
 * handler delays that session's later messages, never another session's). A throw becomes a
 * SERVER_ERROR reply if the handler had not replied.
 */
export type EventHandler = (ctx: EventContext) => void | Promise<void>;

export interface JoinListenerContext {
  session: SessionInfo;
  topic: string;
  wireTopic: string;
  joinRef: string | null;
  payload: JoinPayload;
  /** Pushes `[joinRef, null, topic, event, payload]` to this session only. */
  push(event: string, payload: unknown): void;
}

export type LeaveReason = 'leave' | 'disconnect' | 'revoked' | 'expired';

export interface LeaveListenerContext {
  session: SessionInfo;
  topic: string;
  reason: LeaveReason;
}
