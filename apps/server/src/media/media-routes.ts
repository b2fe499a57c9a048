import { runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import { canJoin, type Directory } from '@wedsync/wedding';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Authenticate } from '../audit/bearer-auth.ts';
import { sendError } from '../http/api-errors.ts';
import { imageKindOf } from './image-kind.ts';
import { MEDIA_MIGRATIONS, MEDIA_VARIANTS, MediaStore, type MediaVariant } from './media-store.ts';

/** Largest body per variant (R13.1: the small variant is what cellular devices fetch, so it stays small). */
export const MEDIA_LIMIT_BYTES: Record<MediaVariant, number> = { full: 2 * 1024 * 1024, small: 256 * 1024 };

/** Media ids are made by the uploading browser: URL-safe, long enough to be unguessable in practice. */
const MEDIA_ID = /^[A-Za-z0-9_-]{8,64}$/;
const SUPPLIER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Bodies read as raw bytes; the declared type is not trusted, the magic bytes decide. */
const BINARY_TYPES = ['application/octet-stream', 'image/jpeg', 'image/png', 'image/webp'];

export interface MediaRouteOptions {
  sql: SqlClient;
  directory: Directory;
  authenticate: Authenticate;
  nowMs?: () => number;
}

/**
 * Photo attachments of the team chat (R12.2 binary bodies, R13.1 smaller variants; issue 8 item 3),
 * decision 0009:
 * - `PUT /api/media/:mediaId/:variant?supplierId=S` — the raw image bytes (not base64); only a team
 *   member with write access to `supplier:S:team` (the chat's topic); the first upload fixes the id's
 *   team; a variant never changes (same bytes again: 200, other bytes: 409 CONFLICT);
 * - `GET /api/media/:mediaId/:variant` — the bytes with their content type, cached as immutable;
 *   404 both for unknown ids and for ids of a team the reader is not on (no existence leak).
 */
export async function registerMediaRoutes(app: FastifyInstance, options: MediaRouteOptions): Promise<void> {
  await runMigrations(options.sql, [MEDIA_MIGRATIONS]);
  const store = new MediaStore(options.sql);
  const nowMs = options.nowMs ?? Date.now;
  const { directory, authenticate } = options;

  await app.register(async (scope) => {
    scope.addContentTypeParser(
      BINARY_TYPES,
      { parseAs: 'buffer', bodyLimit: MEDIA_LIMIT_BYTES.full },
      (_request, body, done) => done(null, body),
    );
    // Fastify's own refusals (body over the route limit, unknown content type) in the API's error shape.
    scope.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
      if (error.statusCode === 413) {
        return sendError(
          reply,
          'PAYLOAD_TOO_LARGE',
          `A media variant may hold at most ${MEDIA_LIMIT_BYTES.full} bytes`,
        );
      }
      if (error.statusCode === 415) return unsupported(reply, 'Send the image bytes as application/octet-stream');
      if (error.statusCode !== undefined && error.statusCode < 500) {
        return sendError(reply, 'VALIDATION_FAILED', error.message);
      }
      request.log.error({ err: error }, 'media request failed');
      return sendError(reply, 'STORAGE_UNAVAILABLE');
    });

    scope.put<{ Params: { mediaId: string; variant: string }; Querystring: { supplierId?: string } }>(
      '/api/media/:mediaId/:variant',
      { bodyLimit: MEDIA_LIMIT_BYTES.full },
      async (request, reply) => {
        const user = await authenticate(request, reply);
        if (!user) return reply;
        const { mediaId } = request.params;
        const variant = variantOf(request.params.variant);
        const supplierId = request.query.supplierId ?? '';
        if (!MEDIA_ID.test(mediaId))
          return sendError(reply, 'VALIDATION_FAILED', 'mediaId must be 8–64 of A–Z a–z 0–9 _ -');
        if (!variant)
          return sendError(reply, 'VALIDATION_FAILED', `variant must be one of ${MEDIA_VARIANTS.join(', ')}`);
        if (!SUPPLIER_ID.test(supplierId)) return sendError(reply, 'VALIDATION_FAILED', 'supplierId is required');
        const grant = canJoin(directory, user.id, `supplier:${supplierId}:team`);
        if (!grant.ok || grant.access !== 'write') {
          return sendError(
            reply,
            'FORBIDDEN',
            `Only members of supplier ${supplierId}'s team may add photos to its chat`,
          );
        }
        const body = request.body;
        if (!(body instanceof Uint8Array))
          return unsupported(reply, 'Send the image bytes as application/octet-stream');
        if (body.length > MEDIA_LIMIT_BYTES[variant]) {
          return sendError(
            reply,
            'PAYLOAD_TOO_LARGE',
            `The ${variant} variant may hold at most ${MEDIA_LIMIT_BYTES[variant]} bytes (got ${body.length})`,
          );
        }
        const contentType = imageKindOf(body);
        if (!contentType) return unsupported(reply, 'Only JPEG, PNG and WebP images are accepted');
        const outcome = await store.put({
          mediaId,
          variant,
          supplierId,
          contentType,
          bytes: body,
          uploadedBy: user.id,
          nowMs: nowMs(),
        });
        if (!outcome.ok && outcome.reason === 'other-owner') {
          return sendError(reply, 'FORBIDDEN', `Media ${mediaId} belongs to another team`);
        }
        if (!outcome.ok)
          return sendError(reply, 'CONFLICT', `Media ${mediaId} already has a different ${variant} variant`);
        return reply.code(outcome.created ? 201 : 200).send({ mediaId, variant, contentType, bytes: body.length });
      },
    );

    scope.get<{ Params: { mediaId: string; variant: string } }>(
      '/api/media/:mediaId/:variant',
      async (request, reply) => {
        const user = await authenticate(request, reply);
        if (!user) return reply;
        const { mediaId } = request.params;
        const variant = variantOf(request.params.variant);
        if (!MEDIA_ID.test(mediaId))
          return sendError(reply, 'VALIDATION_FAILED', 'mediaId must be 8–64 of A–Z a–z 0–9 _ -');
        if (!variant)
          return sendError(reply, 'VALIDATION_FAILED', `variant must be one of ${MEDIA_VARIANTS.join(', ')}`);
        const stored = await store.get(mediaId, variant);
        const grant = stored ? canJoin(directory, user.id, `supplier:${stored.supplierId}:team`) : undefined;
        if (!stored || !grant?.ok)
          return sendError(reply, 'RECORD_NOT_FOUND', `No ${variant} variant of media ${mediaId}`);
        return reply
          .header('content-type', stored.contentType)
          .header('cache-control', 'private, max-age=31536000, immutable')
          .header('x-content-type-options', 'nosniff')
          .send(Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.length));
      },
    );
  });
}

function variantOf(raw: string): MediaVariant | undefined {
  return (MEDIA_VARIANTS as readonly string[]).includes(raw) ? (raw as MediaVariant) : undefined;
}

/** 415 with the API's validation code: the body is not an image we store. */
function unsupported(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(415).send({ error: { code: 'VALIDATION_FAILED', message } });
}
