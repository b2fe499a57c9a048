import type { ErrorCode, JoinPayload } from '@wedsync/protocol';
import { closeChannel } from '../channels/channel-lifecycle.ts';
import { decide, type EngineContext, isUserToken } from '../channels/engine-context.ts';
import { joinPayloadOf, type Membership, type Session } from '../session/session.ts';
import type { AuthUser } from './auth-user.ts';

export type AuthOutcome = { ok: true } | { ok: false; code: ErrorCode; message: string };

/** Binds (or refreshes) the session's user; (re)schedules the expiry that closes its channels with TOKEN_EXPIRED (R14.1, `expireSession`). */
export function bindSessionUser(ctx: EngineContext, session: Session, user: AuthUser, expMs: number): void {
  const first = session.user === undefined;
  session.setUser(user, expMs);
  if (first) {
    ctx.sessions.bindUser(session);
    ctx.audit.connect(session);
  }
}

/**
 * Picks the token for a join (R1.1, reference §1.4/§2.6): the payload's `access_token`, then
 * `user_token`, then the connection's own token. A join token must belong to the connection's user.
 */
export async function authenticateJoin(
  ctx: EngineContext,
  session: Session,
  payload: JoinPayload,
): Promise<AuthOutcome> {
  const token = [payload.access_token, payload.user_token].find((candidate) => isUserToken(ctx, candidate));
  if (token === undefined) {
    if (!session.user)
      return { ok: false, code: 'TOKEN_MISSING', message: 'Send an access_token with the join or connect with one' };
    if (!session.tokenValid())
      return { ok: false, code: 'TOKEN_EXPIRED', message: 'The access token has expired; send a fresh one' };
    return { ok: true };
  }
  const check = await ctx.verifier.verify(token);
  if (!check.ok) return check;
  const user = ctx.userFromClaims(check.claims);
  if (session.closed) return { ok: false, code: 'SERVER_ERROR', message: 'The connection closed' };
  if (session.user && session.user.id !== user.id) {
    return { ok: false, code: 'TOKEN_INVALID', message: 'The token belongs to a different user than this connection' };
  }
  if (!session.user && ctx.sessions.countForUser(user.id) >= ctx.limits.maxConnectionsPerUser) {
    return {
      ok: false,
      code: 'CONNECTION_LIMIT',
      message: `Too many connections for this user (max ${ctx.limits.maxConnectionsPerUser})`,
    };
  }
  bindSessionUser(ctx, session, user, check.expMs);
  return { ok: true };
}

/**
 * `access_token` on a joined channel (R14.1, reference §1.10): a valid token of the same user
 * refreshes the session without disconnect (ok reply when the push has a ref). An invalid one
 * closes that channel with `system` + `phx_close` carrying the token error code. A token of another
 * user is refused the same way.
 */
export async function refreshToken(
  ctx: EngineContext,
  member: Membership,
  token: unknown,
  ref: string | null,
): Promise<void> {
  const { session } = member;
  const fail = (code: ErrorCode, message: string) => closeChannel(ctx, member, code, message, 'expired');
  if (typeof token !== 'string' || !isUserToken(ctx, token)) {
    if (typeof token === 'string' && token.length > 0) return ack(session, member, ref); // app key: nothing to refresh
    return fail('TOKEN_MISSING', 'access_token must be a non-empty string');
  }
  const check = await ctx.verifier.verify(token);
  if (session.closed || session.memberships.get(member.topic) !== member) return;
  if (!check.ok) return fail(check.code, check.message);
  const user = ctx.userFromClaims(check.claims);
  if (session.user && session.user.id !== user.id)
    return fail('TOKEN_INVALID', 'The token belongs to a different user');
  bindSessionUser(ctx, session, user, check.expMs);
  const decision = await decide(ctx, () =>
    ctx.authorizeJoin({
      user,
      topic: member.topic,
      parsedTopic: member.parsedTopic,
      payload: joinPayloadOf(member),
      session: session.info(),
    }),
  );
  if (decision !== true) {
    if (session.memberships.get(member.topic) === member)
      closeChannel(ctx, member, decision.code, decision.message, 'revoked');
    return;
  }
  ctx.audit.tokenRefresh(session, member.topic);
  ack(session, member, ref);
}

function ack(session: Session, member: Membership, ref: string | null): void {
  if (ref !== null) {
    session.send({
      joinRef: member.joinRef,
      ref,
      topic: member.wireTopic,
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
    });
  }
}
