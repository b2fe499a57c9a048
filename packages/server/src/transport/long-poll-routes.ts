import { LONG_POLL_PATHS } from '@wedsync/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EngineContext } from '../channels/engine-context.ts';
import { type HttpAnswer, LongPollHub, type LongPollHubDeps } from './long-poll-hub.ts';
import { closeCodeFor, closeReasonText } from './socket-close.ts';

const DEFAULT_POLL_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

export interface LongPollOptions {
  /** An idle poll is answered 204 after this long; default 20_000, capped at the heartbeat interval. */
  pollTimeoutMs?: number;
  /** Largest POST body; default 1 MiB, at least maxPayloadBytes. */
  maxBodyBytes?: number;
}

/** Creates the long-poll hub with its limits and mounts its routes; the caller closes the hub on shutdown. */
export function mountLongPoll(
  ctx: EngineContext,
  app: FastifyInstance,
  options: LongPollOptions,
  deps: Omit<LongPollHubDeps, 'limits'>,
): LongPollHub {
  // A held poll must come back before the sweep would call the session silent (2 × heartbeat).
  const pollTimeoutMs = Math.max(
    10,
    Math.min(options.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS, ctx.limits.heartbeatIntervalMs),
  );
  const maxBodyBytes = Math.max(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, ctx.limits.maxPayloadBytes);
  const hub = new LongPollHub(ctx, { ...deps, limits: { pollTimeoutMs, maxBodyBytes } });
  registerLongPollRoutes(app, hub, maxBodyBytes);
  return hub;
}

interface LongPollQuery {
  token?: string;
  ack?: string;
}

/**
 * Mounts the long-poll transport (R15.1) at `/socket/longpoll` and `/realtime/v1/longpoll` in its
 * own Fastify scope (its body parser and error handler do not leak into the app):
 * GET opens (no `token`) or polls, POST sends frames (text/plain or application/x-ndjson, one frame a
 * line, at most `maxBodyBytes`), DELETE ends. Answers are never cached. Cross-origin browsers get
 * `Access-Control-Allow-Origin` when their Origin is allowed (the same list as WebSocket upgrades);
 * a text/plain POST needs no preflight.
 */
export function registerLongPollRoutes(app: FastifyInstance, hub: LongPollHub, maxBodyBytes: number): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error: { code?: string; statusCode?: number }, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return send(request, reply, {
          httpStatus: 413,
          body: {
            status: 413,
            code: 'PAYLOAD_TOO_LARGE',
            message: `A long-poll POST may carry at most ${maxBodyBytes} bytes; send smaller batches`,
          },
        });
      }
      const httpStatus = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      const code = httpStatus === 500 ? 'SERVER_ERROR' : 'MALFORMED_FRAME';
      return send(request, reply, { httpStatus, body: { status: httpStatus, code, message: 'Bad long-poll request' } });
    });
    for (const path of LONG_POLL_PATHS) {
      scope.get<{ Querystring: LongPollQuery }>(path, (request, reply) => handleGet(hub, request, reply));
      scope.post<{ Querystring: LongPollQuery }>(path, { bodyLimit: maxBodyBytes }, (request, reply) => {
        const refused = originRefusal(hub, request);
        if (refused) return send(request, reply, refused);
        if (typeof request.body !== 'string') {
          return send(request, reply, {
            httpStatus: 415,
            body: { status: 415, code: 'MALFORMED_FRAME', message: 'Send text/plain: one text frame per line' },
          });
        }
        return send(request, reply, hub.send(request.query.token, request.body));
      });
      scope.delete<{ Querystring: LongPollQuery }>(path, (request, reply) => {
        const refused = originRefusal(hub, request);
        return send(request, reply, refused ?? hub.end(request.query.token));
      });
    }
  });
}

async function handleGet(
  hub: LongPollHub,
  request: FastifyRequest<{ Querystring: LongPollQuery }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const refused = originRefusal(hub, request);
  if (refused) return send(request, reply, refused);
  const { token } = request.query;
  if (token === undefined) {
    const url = new URL(request.url, 'http://localhost');
    return send(request, reply, await hub.open(url, request.headers.origin));
  }
  const ack = Number(request.query.ack ?? '0');
  let settle!: (answer: HttpAnswer) => void;
  const answered = new Promise<HttpAnswer>((resolve) => {
    settle = resolve;
  });
  const poll = hub.poll(token, Number.isSafeInteger(ack) && ack >= 0 ? ack : 0, (body) =>
    settle({ httpStatus: 200, body }),
  );
  if ('httpStatus' in poll) return send(request, reply, poll);
  // The client gave up on this poll (aborted, proxy timeout): keep its frames for the next poll.
  const onGone = () => {
    if (reply.raw.writableFinished) return;
    poll.abandon();
    settle({ httpStatus: 200, body: { status: 204, token } });
  };
  reply.raw.once('close', onGone);
  const answer = await answered;
  reply.raw.off('close', onGone);
  return send(request, reply, answer);
}

function originRefusal(hub: LongPollHub, request: FastifyRequest): HttpAnswer | undefined {
  if (hub.allowsOrigin(request.headers.origin)) return undefined;
  const message = `Origin ${request.headers.origin} may not connect`;
  return {
    httpStatus: 403,
    body: { status: closeCodeFor('ORIGIN_NOT_ALLOWED'), reason: closeReasonText('ORIGIN_NOT_ALLOWED', message) },
  };
}

function send(request: FastifyRequest, reply: FastifyReply, answer: HttpAnswer): FastifyReply {
  const { origin } = request.headers;
  reply.header('cache-control', 'no-store');
  if (origin !== undefined && answer.httpStatus !== 403) {
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
  }
  return reply.code(answer.httpStatus).send(answer.body);
}
