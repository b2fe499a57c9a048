import type { RecordSnapshot } from '@wedsync/protocol';
import type { AuthUser, RealtimeServer, RecordSync, Storage, StoredRecord } from '@wedsync/server';
import { type Audience, actorFor, fieldNameOf, type WeddingModel } from '@wedsync/wedding';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-errors.ts';

/** What every route module of the wedding API gets. */
export interface WeddingApiContext {
  model: WeddingModel;
  realtime: RealtimeServer;
  storage: Storage;
  /** Writes (sharing, rollback) go through record sync so every channel gets them live. */
  sync?: RecordSync;
  /** The bearer-token check of `/api/me`: the user, or undefined after answering 401. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthUser | undefined>;
  nowMs: () => number;
}

/** A record as the API returns it: fields by name, already projected for the caller's audience. */
export interface ApiRecord {
  c: string;
  id: string;
  v: number;
  fields: Record<string, unknown>;
  /** Who changed it last, as the audience may see it (`anonymous` for an anonymous edit, to a couple). */
  updatedBy: string;
  updatedAtMs: number;
}

/** The caller's audience on a topic (R2.2: the same decision as a channel join), or FORBIDDEN/TOPIC_INVALID. */
export function grantOn(model: WeddingModel, userId: string, topic: string): { audience: Audience; readOnly: boolean } {
  const decision = model.canJoin(userId, topic);
  if (!decision.ok) throw new ApiError(decision.code, decision.message);
  return { audience: decision.audience, readOnly: decision.access === 'read' };
}

/** Every audience a person belongs to, with the topic that carries all of that audience's data. */
export function audiencesOf(model: WeddingModel, userId: string): { audience: Audience; topic: string }[] {
  const { directory } = model;
  const out: { audience: Audience; topic: string }[] = [];
  for (const coupleId of directory.couplesOfUser(userId)) {
    const weddingId = directory.weddingOfCouple(coupleId);
    if (weddingId) out.push({ audience: { kind: 'couple', coupleId, weddingId }, topic: `couple:${coupleId}` });
  }
  for (const supplierId of directory.suppliersOfUser(userId)) {
    out.push({ audience: { kind: 'team', supplierId }, topic: `supplier:${supplierId}` });
  }
  return out;
}

/** A projected snapshot (fields by id) with the stored record's metadata, as an ApiRecord. */
export function toApiRecord(projected: RecordSnapshot, stored: StoredRecord, audience: Audience): ApiRecord {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(projected.fields)) {
    const name = fieldNameOf(projected.c, Number(key));
    if (name !== undefined) fields[name] = value;
  }
  return {
    c: projected.c,
    id: projected.id,
    v: projected.v,
    fields,
    updatedBy: actorFor(audience, stored.updatedBy),
    updatedAtMs: stored.updatedAtMs,
  };
}

/**
 * Every live record a topic carries for this audience, projected (DESIGN §3: the same rule as a
 * channel snapshot): the topic's scopes with the rights of this moment, each record filtered by
 * `projectRecord`. `collections` narrows to those collections.
 */
export async function readTopicRecords(
  ctx: Pick<WeddingApiContext, 'model' | 'storage'>,
  topic: string,
  audience: Audience,
  collections?: ReadonlySet<string>,
): Promise<ApiRecord[]> {
  const scopes = ctx.model.recordSyncHooks().scopesForTopic(topic);
  if (scopes.length === 0) return [];
  const { records } = await ctx.storage.snapshot(scopes);
  const out: ApiRecord[] = [];
  for (const record of records) {
    if (record.del || (collections && !collections.has(record.c))) continue;
    const projected = ctx.model.projectRecord(record, audience, topic);
    if (projected) out.push(toApiRecord(projected, record, audience));
  }
  return out.sort((a, b) => b.updatedAtMs - a.updatedAtMs || a.id.localeCompare(b.id));
}

/** One record as an audience may see it on a topic, or RECORD_NOT_FOUND (also when it is hidden from them). */
export async function readRecord(
  ctx: Pick<WeddingApiContext, 'model' | 'storage'>,
  c: string,
  id: string,
  topic: string,
  audience: Audience,
): Promise<{ record: ApiRecord; stored: StoredRecord }> {
  const stored = await ctx.storage.getRecord(c, id);
  const inTopic = stored && ctx.model.recordSyncHooks().scopesForTopic(topic).includes(stored.scope);
  const projected = stored && !stored.del && inTopic ? ctx.model.projectRecord(stored, audience, topic) : undefined;
  if (!stored || !projected) throw new ApiError('RECORD_NOT_FOUND', `No ${c} ${id} here`);
  return { record: toApiRecord(projected, stored, audience), stored };
}

/** This node's members of the given topics (presence here; other nodes' sockets are not counted). */
export function onlineUsers(realtime: RealtimeServer, topics: readonly string[]): Set<string> {
  const online = new Set<string>();
  for (const topic of topics) for (const session of realtime.localMembers(topic)) online.add(session.user.id);
  return online;
}

/**
 * Resolves once this node's Directory holds version `v` of a record (read-your-writes for the API:
 * the follower applies a commit as soon as its hint arrives), or after `timeoutMs` (default 5 000) anyway.
 */
export function directoryHolds(
  model: WeddingModel,
  c: string,
  id: string,
  v: number,
  timeoutMs = 5_000,
): Promise<void> {
  if ((model.directory.records.getAny(c, id)?.v ?? 0) >= v) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const unsubscribe = model.directory.onApplied(({ change }) => {
      if (change.c === c && change.id === id && change.v >= v) done();
    });
    const timer = setTimeout(done, timeoutMs);
  });
}
