import { type ErrorCode, parseSerializerVersion, type SerializerVersion } from '@wedsync/protocol';
import type { AuthUser } from '../auth/auth-user.ts';
import { type EngineContext, isUserToken } from '../channels/engine-context.ts';
import type { OriginPolicy } from '../limits/origin-policy.ts';

export interface AdmissionFailure {
  code: ErrorCode;
  message?: string;
}

export type Admission =
  | { ok: true; vsn: SerializerVersion; user: AuthUser | undefined; expMs: number }
  | ({ ok: false } & AdmissionFailure);

/**
 * The checks every new connection passes, whatever its transport (WebSocket upgrade or long-poll
 * open), in this order: shutdown, Origin, `vsn`, the token in `access_token`/`apikey` (when one is
 * given; a connection without one is admitted and its joins need a token). The per-user cap is
 * `connectionLimitFailure`, checked at the moment the session is created.
 */
export async function admitConnection(
  ctx: EngineContext,
  origins: OriginPolicy,
  url: URL,
  origin: string | undefined,
): Promise<Admission> {
  if (ctx.shuttingDown) return { ok: false, code: 'SERVER_SHUTTING_DOWN' };
  if (!origins.allows(origin))
    return { ok: false, code: 'ORIGIN_NOT_ALLOWED', message: `Origin ${origin} may not connect` };
  const vsn = parseSerializerVersion(url.searchParams.get('vsn'));
  if (!vsn) return { ok: false, code: 'UNSUPPORTED_VERSION', message: 'vsn must be 1.0.0 or 2.0.0' };
  const token = [url.searchParams.get('access_token'), url.searchParams.get('apikey')].find((candidate) =>
    isUserToken(ctx, candidate),
  );
  if (!token) return { ok: true, vsn, user: undefined, expMs: 0 };
  const check = await ctx.verifier.verify(token);
  if (!check.ok) return { ok: false, code: check.code, message: check.message };
  return { ok: true, vsn, user: ctx.userFromClaims(check.claims), expMs: check.expMs };
}

/** CONNECTION_LIMIT when the user already holds `maxConnectionsPerUser` sessions on this node (any transport). */
export function connectionLimitFailure(ctx: EngineContext, user: AuthUser | undefined): AdmissionFailure | undefined {
  if (ctx.shuttingDown) return { code: 'SERVER_SHUTTING_DOWN' };
  if (!user || ctx.sessions.countForUser(user.id) < ctx.limits.maxConnectionsPerUser) return undefined;
  return {
    code: 'CONNECTION_LIMIT',
    message: `Too many connections for this user (max ${ctx.limits.maxConnectionsPerUser})`,
  };
}
