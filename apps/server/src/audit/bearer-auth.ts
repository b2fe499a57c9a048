import { type AuthUser, defaultUserFromClaims, TokenVerifier } from '@wedsync/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from './api-errors.ts';

/** Resolves the request's user from `Authorization: Bearer <token>`, or answers 401 and returns undefined. */
export type Authenticate = (request: FastifyRequest, reply: FastifyReply) => Promise<AuthUser | undefined>;

/** The same token check as the WebSocket and `/api/me` (R1.1): errors are `{ error: { code, message } }`. */
export function bearerAuthenticator(options: { jwtSecret?: string; jwksUrl?: string; nowMs?: () => number }) {
  const verifier = new TokenVerifier({
    jwtSecret: options.jwtSecret,
    jwksUrl: options.jwksUrl,
    nowMs: options.nowMs ?? Date.now,
  });
  const authenticate: Authenticate = async (request, reply) => {
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) {
      await reply.code(401).send(apiError('TOKEN_MISSING', 'Send "Authorization: Bearer <token>"'));
      return undefined;
    }
    const check = await verifier.verify(token);
    if (!check.ok) {
      await reply.code(401).send(apiError(check.code, check.message));
      return undefined;
    }
    return defaultUserFromClaims(check.claims);
  };
  return authenticate;
}
