import { randomUUID } from 'node:crypto';
import {
  OutboxStore,
  PreferencesError,
  PreferencesStore,
  PushSubscriptionError,
  PushSubscriptions,
} from '@wedsync/notifications';
import { buildUserTopic } from '@wedsync/protocol';
import { type AuthUser, defaultUserFromClaims, type RecordSync, type Storage, TokenVerifier } from '@wedsync/server';
import type { SqlClient } from '@wedsync/storage-postgres';
import { type BellNotification, bellFromRecord, bellReadMutation } from '@wedsync/wedding';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface NotificationRouteOptions {
  sql: SqlClient;
  storage: Storage;
  sync: RecordSync;
  vapidPublicKey: string;
  jwtSecret?: string;
  jwksUrl?: string;
  nowMs: () => number;
}

const error = (code: string, message: string) => ({ error: { code, message } });

/**
 * The notifications HTTP API (R5.3, R5.4), for the signed-in user only (bearer token, as /api/me):
 * - `GET  /api/notifications` → `{ notifications: BellNotification[] (newest first), unread }`
 * - `POST /api/notifications/read` `{ ids?: string[], read: boolean }` → marks (all when no ids); synced to every device
 * - `POST /api/notifications/clear` → deletes every notification of the bell (on every device)
 * - `GET  /api/notifications/outbox` → the outbox jobs with their attempts: what was sent, or with
 *   nothing configured, what would have been sent (`deliveredVia: 'recorded'`)
 * - `GET|PUT /api/notifications/preferences` → per trigger/channel, quiet hours, email/phone
 * - `GET  /api/notifications/push/key` → `{ publicKey }` (VAPID, for `pushManager.subscribe`)
 * - `POST /api/notifications/push/subscriptions` (PushSubscription JSON) / `DELETE` `{ endpoint }`
 * The web app marks read through its record store on `user:{id}` instead (same effect, offline-safe).
 */
export function registerNotificationRoutes(app: FastifyInstance, options: NotificationRouteOptions): void {
  const verifier = new TokenVerifier({ jwtSecret: options.jwtSecret, jwksUrl: options.jwksUrl, nowMs: options.nowMs });
  const outbox = new OutboxStore(options.sql);
  const preferences = new PreferencesStore(options.sql);
  const push = new PushSubscriptions(options.sql);

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthUser | undefined> {
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) {
      await reply.code(401).send(error('TOKEN_MISSING', 'Send "Authorization: Bearer <token>"'));
      return undefined;
    }
    const check = await verifier.verify(token);
    if (!check.ok) {
      await reply.code(401).send(error(check.code, check.message));
      return undefined;
    }
    return defaultUserFromClaims(check.claims);
  }

  const bell = async (userId: string): Promise<BellNotification[]> => {
    const { records } = await options.storage.snapshot([buildUserTopic(userId)]);
    return records
      .filter((record) => record.c === 'notifications')
      .map(bellFromRecord)
      .filter((entry): entry is BellNotification => entry !== undefined)
      .sort((a, b) => b.createdAtMs - a.createdAtMs || b.id.localeCompare(a.id));
  };
  /** Server-side writes to the person's own bell, as that person (one fresh client id per request). */
  const commitOwn = async (user: AuthUser, mutations: Parameters<RecordSync['commit']>[0]['mutations']) => {
    if (mutations.length === 0) return 0;
    const { results } = await options.sync.commit({
      clientId: `http-${randomUUID()}`,
      actor: { userId: user.id, name: user.name },
      scope: buildUserTopic(user.id),
      mutations,
    });
    return results.filter((result) => result.status === 'applied').length;
  };

  app.get('/api/notifications', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const notifications = await bell(user.id);
    return { notifications, unread: notifications.filter((entry) => entry.readAtMs === null).length };
  });

  app.post('/api/notifications/read', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const body = (request.body ?? {}) as { ids?: unknown; read?: unknown };
    if (typeof body.read !== 'boolean' || (body.ids !== undefined && !isStringList(body.ids))) {
      return reply.code(400).send(error('VALIDATION_FAILED', 'Send { "read": true|false, "ids"?: string[] }'));
    }
    const wanted = body.ids === undefined ? undefined : new Set(body.ids as string[]);
    const readAtMs = body.read ? options.nowMs() : null;
    const targets = (await bell(user.id)).filter(
      (entry) => (wanted === undefined || wanted.has(entry.id)) && (entry.readAtMs === null) === body.read,
    );
    const updated = await commitOwn(
      user,
      targets.map((entry, index) => bellReadMutation(entry.id, index + 1, readAtMs)),
    );
    return { updated };
  });

  app.post('/api/notifications/clear', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const entries = await bell(user.id);
    const cleared = await commitOwn(
      user,
      entries.map((entry, index) => ({
        mid: index + 1,
        c: 'notifications',
        id: entry.id,
        base: 0,
        ops: [],
        del: true,
      })),
    );
    return { cleared };
  });

  app.get('/api/notifications/outbox', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const limit = Number((request.query as { limit?: unknown }).limit ?? 100);
    return { jobs: await outbox.jobsOfUser(user.id, Number.isFinite(limit) ? limit : 100) };
  });

  app.get('/api/notifications/preferences', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    return { preferences: await preferences.get(user.id) };
  });

  app.put('/api/notifications/preferences', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    try {
      return { preferences: await preferences.put(user.id, request.body, options.nowMs()) };
    } catch (caught) {
      if (caught instanceof PreferencesError) return reply.code(400).send(error(caught.code, caught.message));
      throw caught;
    }
  });

  app.get('/api/notifications/push/key', async () => ({ publicKey: options.vapidPublicKey }));

  app.post('/api/notifications/push/subscriptions', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    try {
      const target = await push.add(user.id, request.body, options.nowMs());
      return reply.code(201).send({ endpoint: target.endpoint });
    } catch (caught) {
      if (caught instanceof PushSubscriptionError) return reply.code(400).send(error(caught.code, caught.message));
      throw caught;
    }
  });

  app.delete('/api/notifications/push/subscriptions', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const endpoint = (request.body as { endpoint?: unknown } | undefined)?.endpoint;
    if (typeof endpoint !== 'string')
      return reply.code(400).send(error('VALIDATION_FAILED', 'Send { "endpoint": "…" }'));
    return { removed: await push.remove(user.id, endpoint) };
  });
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= 1_000 && value.every((item) => typeof item === 'string');
}
