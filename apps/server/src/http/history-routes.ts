import { isErrorCode } from '@wedsync/protocol';
import type { StoredRecord } from '@wedsync/server';
import { type Audience, fieldNameOf, parseScope } from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, answer } from './api-errors.ts';
import { apiActor } from './sharing-routes.ts';
import { grantOn, type WeddingApiContext } from './topic-records.ts';

const historyQuery = z.object({
  topic: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});
const rollbackBody = z
  .object({ to: z.number().int().positive(), topic: z.string().min(1).max(200).optional() })
  .strict();

type Params = { Params: { c: string; id: string } };

/**
 * Version history and rollback of any record (R4.2), with the rights of a channel (R2.2, R14.2):
 * - `GET /api/records/:c/:id/history?topic=&limit=&before=` → `{ entries: [{ v, seq, by, at, fields, changed, rollbackOf? }] }`,
 *   newest first, each projected for you: a field hidden from you is absent, a version that changed
 *   only hidden fields is left out, an anonymous editor stays anonymous to the couple;
 * - `POST /api/records/:c/:id/rollback { to, topic? }` → `{ v, seq }`: a new, audited version equal to
 *   version `to`, refused unless you may write every field of the record on the topic; delivered live.
 * The topic defaults to the record's home (`wedding:{id}` or `supplier:{id}`).
 */
export function registerHistoryRoutes(app: FastifyInstance, ctx: WeddingApiContext): void {
  const { model } = ctx;

  async function resolve(c: string, id: string, userId: string, topicParam: string | undefined) {
    const stored = await ctx.storage.getRecord(c, id);
    const topic = topicParam ?? (stored && homeTopic(stored));
    if (!stored || stored.del || !topic) throw new ApiError('RECORD_NOT_FOUND', `No ${c} ${id}`);
    const { audience } = grantOn(model, userId, topic);
    const inTopic = model.recordSyncHooks().scopesForTopic(topic).includes(stored.scope);
    if (!inTopic || !model.projectRecord(stored, audience, topic))
      throw new ApiError('RECORD_NOT_FOUND', `No ${c} ${id}`);
    return { stored, topic, audience };
  }

  app.get<Params>('/api/records/:c/:id/history', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const query = historyQuery.safeParse(request.query);
      if (!query.success) throw new ApiError('VALIDATION_FAILED', 'limit must be 1–200, before a version number');
      const { c, id } = request.params;
      const { stored, topic, audience } = await resolve(c, id, user.id, query.data.topic);
      const entries = await ctx.storage.history(c, id, { limit: query.data.limit, before: query.data.before });
      return { entries: entries.flatMap((entry) => projectEntry(ctx, stored, entry, audience, topic)) };
    });
  });

  app.post<Params>('/api/records/:c/:id/rollback', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const body = rollbackBody.safeParse(request.body);
      if (!body.success) throw new ApiError('VALIDATION_FAILED', 'Body must be { "to": <version>, "topic"?: string }');
      if (!ctx.sync) throw new ApiError('SERVER_SHUTTING_DOWN', 'Writes are not available on this node');
      const { c, id } = request.params;
      const { stored, topic, audience } = await resolve(c, id, user.id, body.data.topic);
      const denial = await model.recordSyncHooks().authorizeRollback({
        session: { id: `http:${user.id}`, user: { id: user.id } },
        topic,
        scope: stored.scope,
        c,
        id,
      });
      if (denial) throw new ApiError(denial.code, denial.message);
      const outcome = await ctx.sync.rollback({
        scope: stored.scope,
        c,
        id,
        toVersion: body.data.to,
        actor: apiActor(model, user, audience),
        nowMs: ctx.nowMs(),
      });
      if ('error' in outcome) {
        throw new ApiError(
          isErrorCode(outcome.error.code) ? outcome.error.code : 'SERVER_ERROR',
          outcome.error.message,
        );
      }
      return { v: outcome.change.v, seq: outcome.change.seq };
    });
  });
}

function homeTopic(record: StoredRecord): string | undefined {
  const scope = parseScope(record.scope);
  return scope?.kind === 'wedding' || scope?.kind === 'supplier' ? `${scope.kind}:${scope.id}` : undefined;
}

function projectEntry(
  ctx: WeddingApiContext,
  stored: StoredRecord,
  entry: Parameters<WeddingApiContext['model']['projectHistoryEntry']>[1],
  audience: Audience,
  topic: string,
) {
  const projected = ctx.model.projectHistoryEntry(stored, entry, audience, topic);
  if (!projected) return [];
  const named = (fieldId: number) => fieldNameOf(stored.c, fieldId) ?? String(fieldId);
  const fields = Object.fromEntries(
    Object.entries(projected.fields).map(([key, value]) => [named(Number(key)), value]),
  );
  const changed = [...new Set(projected.ops.map((op) => named(op.f)))];
  return [
    {
      v: projected.v,
      seq: projected.seq,
      by: projected.by,
      at: projected.at,
      fields,
      changed,
      ...(projected.rollbackOf !== undefined ? { rollbackOf: projected.rollbackOf } : {}),
    },
  ];
}
