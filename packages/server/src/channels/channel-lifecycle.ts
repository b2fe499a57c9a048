import { ERROR_CODES, type ErrorCode, EVENTS, type SystemPayload, stripSupabasePrefix } from '@wedsync/protocol';
import type { Membership, Session } from '../session/session.ts';
import type { EngineContext } from './engine-context.ts';
import type { LeaveReason } from './hooks.ts';

/**
 * Ending channel memberships and sessions. Every path (leave, server close, disconnect) goes through
 * `removeMembership`, so presence, the topic index and the listeners stay consistent.
 */
export function removeMembership(ctx: EngineContext, member: Membership, reason: LeaveReason): void {
  const { session } = member;
  if (session.memberships.get(member.topic) !== member) return;
  session.memberships.delete(member.topic);
  ctx.presence.untrack(member);
  ctx.topics.remove(member);
  if (!session.user) return;
  ctx.audit.leave(session, member.topic, reason);
  const info = session.info();
  for (const listener of ctx.leaveListeners) {
    try {
      listener({ session: info, topic: member.topic, reason });
    } catch (error) {
      ctx.logger.error({ err: error }, 'onLeave listener threw');
    }
  }
}

/**
 * Server-side end of a channel (Supabase semantics): `system` {status:'error', message:'CODE: …'}
 * then `phx_close` with ref = join_ref (realtime-js ignores it otherwise), then cleanup.
 */
export function closeChannel(
  ctx: EngineContext,
  member: Membership,
  code: ErrorCode,
  message: string | undefined,
  reason: LeaveReason,
): void {
  const { session } = member;
  if (reason === 'revoked') ctx.audit.rightsRevoked(session, member.topic, code);
  const system: SystemPayload = {
    extension: 'system',
    status: 'error',
    message: `${code}: ${message ?? ERROR_CODES[code].message}`,
    channel: stripSupabasePrefix(member.wireTopic),
  };
  session.send({ joinRef: member.joinRef, ref: null, topic: member.wireTopic, event: EVENTS.system, payload: system });
  session.send({
    joinRef: member.joinRef,
    ref: member.joinRef,
    topic: member.wireTopic,
    event: EVENTS.close,
    payload: {},
  });
  removeMembership(ctx, member, reason);
}

/** The token expired without a refresh (R14.1): close every channel with TOKEN_EXPIRED; the socket stays open for a new token. */
export function expireSession(ctx: EngineContext, session: Session): void {
  for (const member of [...session.memberships.values()]) {
    closeChannel(ctx, member, 'TOKEN_EXPIRED', 'The access token expired and was not refreshed', 'expired');
  }
}

/** The socket is gone: leave every channel, release timers, forget the session, tell listeners. */
export function disposeSession(ctx: EngineContext, session: Session): void {
  if (session.closed) return;
  for (const member of [...session.memberships.values()]) removeMembership(ctx, member, 'disconnect');
  session.dispose();
  ctx.sessions.remove(session);
  if (!session.user) return;
  const info = session.info();
  for (const listener of ctx.disconnectListeners) {
    try {
      listener(info);
    } catch (error) {
      ctx.logger.error({ err: error }, 'onDisconnect listener threw');
    }
  }
}

/** Does a canonical topic match a revocation filter (exact, or prefix when it ends in `*`)? */
export function topicMatches(topic: string, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  const canonical = stripSupabasePrefix(filter);
  return canonical.endsWith('*') ? topic.startsWith(canonical.slice(0, -1)) : topic === canonical;
}
