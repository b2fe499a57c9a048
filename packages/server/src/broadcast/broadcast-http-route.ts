import { type ErrorCode, errorResponse, MAX_TOPIC_LENGTH, parseTopic, stripSupabasePrefix } from '@wedsync/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.ts';
import { decide, type EngineContext, isUserToken } from '../channels/engine-context.ts';

/** Most messages accepted in one `POST /api/broadcast`. */
export const MAX_HTTP_BROADCAST_MESSAGES = 100;

interface HttpMessage {
  topic: string;
  event: string;
  payload: unknown;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_ALG_NOT_ALLOWED: 401,
  TOKEN_CLAIMS_MISSING: 401,
  VALIDATION_FAILED: 400,
  TOPIC_INVALID: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/**
 * Supabase's HTTP broadcast (reference §1.1, §5.1 item 12), at `/api/broadcast…` and
 * `/realtime/v1/api/broadcast…`:
 * - `POST …/api/broadcast` `{messages:[{topic, event, payload}]}` (≤ 100) → 202;
 * - `POST …/api/broadcast/:topic/events/:event` with a JSON or `application/octet-stream` body → 202.
 * Auth: `Authorization: Bearer <jwt>`, else the `apikey` header or query. Every message is checked
 * with `authorizeMessage` (event `broadcast`) before any is sent; rate-limited per user (one point each).
 * Errors: `{ error: "CODE: message", ...details }` with 400/401/403/413/429.
 */
export function registerBroadcastRoutes(app: FastifyInstance, ctx: EngineContext): void {
  app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    for (const prefix of ['', '/realtime/v1']) {
      scope.post(`${prefix}/api/broadcast`, async (request, reply) => {
        const body = request.body as { messages?: unknown } | undefined;
        const list = body?.messages;
        if (!Array.isArray(list) || list.length === 0 || list.length > MAX_HTTP_BROADCAST_MESSAGES) {
          return fail(
            reply,
            'VALIDATION_FAILED',
            `Send {messages:[{topic, event, payload}]} with 1–${MAX_HTTP_BROADCAST_MESSAGES} messages`,
          );
        }
        const messages: HttpMessage[] = [];
        for (const item of list) {
          const { topic, event, payload } = (item ?? {}) as Record<string, unknown>;
          if (typeof topic !== 'string' || typeof event !== 'string')
            return fail(reply, 'VALIDATION_FAILED', 'Each message needs a string topic and event');
          messages.push({ topic, event, payload });
        }
        return send(ctx, request, reply, messages, false);
      });
      scope.post<{ Params: { topic: string; event: string } }>(
        `${prefix}/api/broadcast/:topic/events/:event`,
        async (request, reply) => {
          const binary = Buffer.isBuffer(request.body);
          const message = { topic: request.params.topic, event: request.params.event, payload: request.body ?? {} };
          return send(ctx, request, reply, [message], binary);
        },
      );
    }
  });
}

async function send(
  ctx: EngineContext,
  request: FastifyRequest,
  reply: FastifyReply,
  messages: HttpMessage[],
  binary: boolean,
) {
  const user = await authenticate(ctx, request);
  if (!('id' in user)) return fail(reply, user.code, user.message);
  for (const message of messages) {
    const topic = stripSupabasePrefix(message.topic);
    if (topic.length === 0 || message.topic.length > MAX_TOPIC_LENGTH) return fail(reply, 'TOPIC_INVALID');
    if (message.event.length === 0 || message.event.length > 255)
      return fail(reply, 'VALIDATION_FAILED', 'event must be 1–255 characters');
    const size = Buffer.isBuffer(message.payload)
      ? message.payload.length
      : Buffer.byteLength(JSON.stringify(message.payload ?? null));
    if (size > ctx.limits.maxPayloadBytes) return fail(reply, 'PAYLOAD_TOO_LARGE');
    message.topic = topic;
  }
  const rate = await ctx.rateLimiter.consume(`u:${user.id}`, messages.length);
  if (!rate.ok) {
    ctx.metrics.rateLimited.inc();
    return fail(reply, 'RATE_LIMITED', undefined, { retryAfterMs: rate.retryAfterMs });
  }
  for (const message of messages) {
    const parsed = parseTopic(message.topic);
    const decision = await decide(ctx, () =>
      ctx.authorizeMessage(
        {
          user,
          topic: message.topic,
          parsedTopic: parsed.ok ? parsed.value : undefined,
          event: 'broadcast',
          payload: { type: 'broadcast', event: message.event, payload: message.payload },
        },
        undefined,
      ),
    );
    if (decision !== true) return fail(reply, decision.code, decision.message, {}, 403);
  }
  await Promise.all(
    messages.map((message) =>
      binary && Buffer.isBuffer(message.payload)
        ? ctx.delivery.publishBinary(message.topic, message.event, message.payload)
        : ctx.delivery.publish(message.topic, 'broadcast', {
            type: 'broadcast',
            event: message.event,
            payload: message.payload,
          }),
    ),
  );
  return reply.code(202).send();
}

async function authenticate(
  ctx: EngineContext,
  request: FastifyRequest,
): Promise<AuthUser | { code: ErrorCode; message: string }> {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const apikeyHeader = request.headers.apikey;
  const query = request.query as Record<string, unknown> | undefined;
  const candidates = [bearer, typeof apikeyHeader === 'string' ? apikeyHeader : undefined, query?.apikey];
  const token = candidates.find(
    (candidate): candidate is string => typeof candidate === 'string' && isUserToken(ctx, candidate),
  );
  if (!token) return { code: 'TOKEN_MISSING', message: 'Send Authorization: Bearer <access token>' };
  const check = await ctx.verifier.verify(token);
  return check.ok ? ctx.userFromClaims(check.claims) : check;
}

function fail(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  details: Record<string, unknown> = {},
  status?: number,
) {
  const { reason, ...rest } = errorResponse(code, message, details);
  return reply.code(status ?? HTTP_STATUS[code] ?? 403).send({ error: reason, ...rest });
}
