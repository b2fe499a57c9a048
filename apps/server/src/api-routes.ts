import {
  type AuthUser,
  defaultUserFromClaims,
  type RealtimeServer,
  type RecordSync,
  type Storage,
  TokenVerifier,
} from '@wedsync/server';
import type { WeddingModel } from '@wedsync/wedding';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerWeddingApi } from './http/wedding-api.ts';
import { peopleOf } from './people-directory.ts';

export interface ApiRouteOptions {
  model: WeddingModel;
  realtime: RealtimeServer;
  storage: Storage;
  /** Lets the wedding API write (sharing, rollback) through record sync. */
  sync?: RecordSync;
  jwtSecret?: string;
  jwksUrl?: string;
}

/**
 * The HTTP API for what is not a live channel, behind the same token and rights as the WebSocket
 * (R1.1, R2.2). Errors are `{ error: { code, message } }` with codes from the protocol table.
 */
export function registerApiRoutes(app: FastifyInstance, options: ApiRouteOptions): void {
  const verifier = new TokenVerifier({ jwtSecret: options.jwtSecret, jwksUrl: options.jwksUrl, nowMs: Date.now });
  const { model } = options;

  /** Resolves the bearer token's user, or answers 401 and returns undefined. */
  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthUser | undefined> {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) {
      await reply.code(401).send({ error: { code: 'TOKEN_MISSING', message: 'Send "Authorization: Bearer <token>"' } });
      return undefined;
    }
    const check = await verifier.verify(token);
    if (!check.ok) {
      await reply.code(401).send({ error: { code: check.code, message: check.message } });
      return undefined;
    }
    return defaultUserFromClaims(check.claims);
  }

  app.get('/api/me', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const profile = model.directory.user(user.id)?.fields ?? {};
    return {
      user: { ...profile, id: user.id, name: model.directory.displayName(user.id) || user.name },
      topics: model.topicsForUser(user.id),
      primaryTopics: model.primaryTopicsForUser(user.id),
      people: peopleOf(model, user.id),
    };
  });

  registerWeddingApi(app, { ...options, authenticate });
}
