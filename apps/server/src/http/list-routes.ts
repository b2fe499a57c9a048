import { parseTopic } from '@wedsync/protocol';
import { type Audience, audienceSees, collectionNamed, conflictsForAudience } from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, answer } from './api-errors.ts';
import { type ApiRecord, grantOn, readTopicRecords, type WeddingApiContext } from './topic-records.ts';

/** The lists the API names, and the collections each returns. */
const LISTS: Record<string, string[]> = {
  forms: ['forms', 'form_assignments'],
  tasks: ['tasks'],
  meetings: ['meetings'],
  notes: ['notes'],
  messages: ['messages'],
  payments: ['payments'],
  journeys: ['journeys', 'journey_runs'],
  team: ['team_members', 'team_chat'],
};

const querySchema = z.object({
  topic: z.string().min(1).max(200),
  c: z.string().min(1).max(64).optional(),
});
const activityQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/**
 * Lists of records, projected for the caller exactly as a channel snapshot would be (R2.2, R14.2):
 * - `GET /api/records?topic=&c=`: every record a topic carries for you (optionally one collection);
 * - `GET /api/weddings/:weddingId/{forms|tasks|meetings|notes|messages|payments|journeys}` (topic `wedding:{id}`);
 * - `GET /api/suppliers/:supplierId/{forms|tasks|meetings|notes|messages|payments|journeys|team}` (topic `supplier:{id}`);
 * - `GET /api/weddings/:weddingId/activity`, `GET /api/suppliers/:supplierId/activity`: the feed with text
 *   written for your audience (R6.1), newest first.
 * Derived fields: meetings carry `conflicts` (R9.2), form assignments `completion` (R3.4), journey runs
 * their journey's `journeyName` and `stageNames` when you may see the journey (R8.2).
 * Each answers `{ records: ApiRecord[] }` (activity: `{ items: { id, atMs, verb, text, weddingId? }[] }`).
 */
export function registerListRoutes(app: FastifyInstance, ctx: WeddingApiContext): void {
  app.get('/api/records', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const query = querySchema.safeParse(request.query);
      if (!query.success) throw new ApiError('VALIDATION_FAILED', 'Query needs topic= and optionally c=');
      const { topic, c } = query.data;
      if (!parseTopic(topic).ok) throw new ApiError('TOPIC_INVALID', `${topic} is not a topic`);
      if (c !== undefined && !collectionNamed(c)) throw new ApiError('UNKNOWN_COLLECTION', `No collection ${c}`);
      const { audience } = grantOn(ctx.model, user.id, topic);
      const records = await readTopicRecords(ctx, topic, audience, c ? new Set([c]) : undefined);
      return { topic, records: enrich(ctx, audience, records) };
    });
  });

  for (const [prefix, topicOf] of [
    ['weddings', (id: string) => `wedding:${id}`],
    ['suppliers', (id: string) => `supplier:${id}`],
  ] as const) {
    app.get<{ Params: { id: string; list: string } }>(`/api/${prefix}/:id/:list`, async (request, reply) => {
      const user = await ctx.authenticate(request, reply);
      if (!user) return reply;
      return answer(reply, async () => {
        const { id, list } = request.params;
        const topic = topicOf(id);
        const { audience } = grantOn(ctx.model, user.id, topic);
        if (list === 'activity') {
          const query = activityQuerySchema.safeParse(request.query);
          if (!query.success) throw new ApiError('VALIDATION_FAILED', 'limit must be 1–200');
          return { items: activityItems(ctx, audience, prefix === 'weddings' ? id : undefined, query.data.limit) };
        }
        const collections = LISTS[list];
        if (!collections || (list === 'team' && prefix === 'weddings')) {
          throw new ApiError('RECORD_NOT_FOUND', `No list ${list}; try ${Object.keys(LISTS).join(', ')}, activity`);
        }
        const records = await readTopicRecords(ctx, topic, audience, new Set(collections));
        return { records: enrich(ctx, audience, records) };
      });
    });
  }
}

/** The activity feed for an audience (R6.1), optionally of one wedding only. */
export function activityItems(
  ctx: WeddingApiContext,
  audience: Audience,
  weddingId: string | undefined,
  limit: number,
) {
  const feed = ctx.model.activityFeed(audience, { nowMs: ctx.nowMs(), limit: weddingId ? 1_000 : limit });
  return feed
    .filter(({ event }) => weddingId === undefined || event.weddingId === weddingId)
    .slice(0, limit)
    .map(({ event, text }) => ({
      id: event.id,
      atMs: event.atMs,
      verb: event.verb,
      text,
      ...(event.weddingId ? { weddingId: event.weddingId } : {}),
    }));
}

/** Adds the derived fields the dashboards show (see `registerListRoutes`). */
export function enrich(ctx: WeddingApiContext, audience: Audience, records: ApiRecord[]) {
  const { directory } = ctx.model;
  return records.map((record) => {
    if (record.c === 'meetings') {
      return { ...record, conflicts: conflictsForAudience(directory, record.id, audience) ?? [] };
    }
    if (record.c === 'form_assignments') {
      const form = directory.records.get('forms', String(record.fields.formId));
      return { ...record, formTitle: form?.fields.title ?? null, completion: ctx.model.formCompletion(record.id) };
    }
    if (record.c === 'journey_runs') {
      const journey = directory.records.get('journeys', String(record.fields.journeyId));
      const visible = journey && audienceSees(directory, audience, journey);
      const stages = Array.isArray(journey?.fields.stages)
        ? (journey.fields.stages as { v?: { name?: string } }[])
        : [];
      return visible
        ? { ...record, journeyName: journey.fields.name ?? null, stageNames: stages.map((s) => s.v?.name ?? '') }
        : record;
    }
    return record;
  });
}
