import { type ErrorCode, type Mutation, parseTopic, type Topic } from '@wedsync/protocol';
import { collectionNamed, fieldNameOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import { applyOpsToFields } from '../directory/record-index.ts';
import { type Audience, type RecordRef, supplierScope, weddingScope } from './audience.ts';
import { canJoin } from './join-rights.ts';
import { checkRecordRules } from './record-rules.ts';
import { topicIncludes } from './topic-contents.ts';
import { audienceSees } from './visibility.ts';

export type WriteDecision = { ok: true } | { ok: false; code: ErrorCode; message: string };
export type MutationDecision =
  | { ok: true; scope: string; audience: Audience }
  | { ok: false; code: ErrorCode; message: string };

/**
 * Which side may write a collection through a topic. `manager` = owner or admin. Collections no one
 * writes through a topic (users, activity, notifications) are written by the server itself.
 */
const WRITERS: Record<string, { couple: boolean; team: 'any' | 'manager' | 'none' }> = {
  suppliers: { couple: false, team: 'manager' },
  team_members: { couple: false, team: 'manager' },
  couples: { couple: true, team: 'none' },
  weddings: { couple: true, team: 'none' },
  connections: { couple: true, team: 'manager' },
  sharing: { couple: true, team: 'none' },
  forms: { couple: false, team: 'any' },
  form_assignments: { couple: true, team: 'any' },
  form_answers: { couple: true, team: 'any' },
  journeys: { couple: false, team: 'any' },
  journey_runs: { couple: false, team: 'any' },
  tasks: { couple: true, team: 'any' },
  meetings: { couple: true, team: 'any' },
  notes: { couple: true, team: 'any' },
  messages: { couple: true, team: 'any' },
  team_chat: { couple: false, team: 'any' },
  payments: { couple: true, team: 'any' },
};

/** Fields that tie a record to its owners; they cannot change once the record exists. */
const OWNERSHIP_FIELDS = ['supplierId', 'weddingId', 'formId', 'assignmentId', 'journeyId', 'coupleId', 'userId'];

/**
 * R2.2 / R14.1: may this person write on this topic, optionally to these fields of a collection.
 * Viewers get READ_ONLY; a collection their side may not write gets FORBIDDEN.
 */
export function canWrite(
  directory: Directory,
  userId: string,
  topic: string | Topic,
  collection?: string,
  fieldIds: readonly number[] = [],
): WriteDecision {
  const join = canJoin(directory, userId, topic);
  if (!join.ok) return join;
  if (join.access === 'read') return { ok: false, code: 'READ_ONLY', message: 'Viewers may read but not write' };
  if (collection === undefined) return { ok: true };
  if (!collectionNamed(collection))
    return { ok: false, code: 'UNKNOWN_COLLECTION', message: `No collection ${collection}` };
  const unknown = fieldIds.find((id) => fieldNameOf(collection, id) === undefined);
  if (unknown !== undefined)
    return { ok: false, code: 'UNKNOWN_FIELD', message: `${collection} has no field ${unknown}` };
  const rule = WRITERS[collection];
  const side = join.audience.kind;
  const allowed =
    rule !== undefined &&
    (side === 'couple' ? rule.couple : rule.team === 'any' || (rule.team === 'manager' && isManager(join.role)));
  if (!allowed) {
    const who =
      side === 'couple' ? 'the couple' : join.role === 'viewer' ? 'viewers' : `a team ${join.role ?? 'member'}`;
    return { ok: false, code: 'FORBIDDEN', message: `${collection} cannot be written by ${who}` };
  }
  return { ok: true };
}

/**
 * The full check of one mutation arriving on a topic: topic and collection rights (`canWrite`), then
 * the record itself: it must be one this person's side may see before and after the write, carried by
 * this topic, and its owners (supplierId, weddingId, …) may not change. Returns the scope to commit in.
 */
export function authorizeMutation(
  directory: Directory,
  userId: string,
  rawTopic: string | Topic,
  mutation: Pick<Mutation, 'c' | 'id' | 'ops' | 'del'>,
): MutationDecision {
  const parsed = typeof rawTopic === 'string' ? parseTopic(rawTopic) : { ok: true as const, value: rawTopic };
  if (!parsed.ok) return { ok: false, code: 'TOPIC_INVALID', message: parsed.message };
  const topic = parsed.value;
  const write = canWrite(
    directory,
    userId,
    topic,
    mutation.c,
    mutation.ops.map((op) => op.f),
  );
  if (!write.ok) return write;
  const join = canJoin(directory, userId, topic);
  if (!join.ok) return join;
  const existing = directory.records.get(mutation.c, mutation.id);
  if (mutation.del && !existing)
    return { ok: false, code: 'RECORD_NOT_FOUND', message: `No ${mutation.c} ${mutation.id}` };
  const fields = { ...(existing?.fields ?? {}) };
  applyOpsToFields(mutation.c, fields, mutation.ops);
  for (const field of OWNERSHIP_FIELDS) {
    if (existing && existing.fields[field] !== fields[field]) {
      return { ok: false, code: 'FORBIDDEN', message: `${mutation.c}.${field} cannot change once set` };
    }
  }
  const scope = existing?.scope ?? scopeForNewRecord(mutation.c, fields, mutation.id);
  if (!scope) {
    return { ok: false, code: 'VALIDATION_FAILED', message: `A new ${mutation.c} record needs its owner fields` };
  }
  const after: RecordRef = { c: mutation.c, id: mutation.id, scope, fields };
  if (
    (existing && !audienceSees(directory, join.audience, existing)) ||
    !audienceSees(directory, join.audience, after)
  ) {
    return { ok: false, code: 'FORBIDDEN', message: `You may not write ${mutation.c} ${mutation.id}` };
  }
  if (!topicIncludes(directory, topic, after)) {
    return { ok: false, code: 'FORBIDDEN', message: `${mutation.c} ${mutation.id} does not belong to this topic` };
  }
  const invariant = checkRecordRules(directory, join.audience, after, existing === undefined);
  if (!invariant.ok) return invariant;
  return { ok: true, scope, audience: join.audience };
}

/**
 * The scope a new record is committed in, from its fields (see `WeddingCollection.home`);
 * undefined when the fields that decide it are missing.
 */
export function scopeForNewRecord(
  collection: string,
  fields: Record<string, unknown>,
  id?: string,
): string | undefined {
  const definition = collectionNamed(collection);
  const text = (name: string) =>
    typeof fields[name] === 'string' && fields[name] !== '' ? (fields[name] as string) : undefined;
  if (!definition) return undefined;
  switch (definition.home) {
    case 'directory':
      return 'directory';
    case 'user': {
      const userId = text('userId');
      return userId ? `user:${userId}` : undefined;
    }
    case 'supplier': {
      const supplierId = text('supplierId');
      return supplierId ? supplierScope(supplierId) : undefined;
    }
    case 'wedding': {
      const weddingId = collection === 'weddings' ? id : text('weddingId');
      return weddingId ? weddingScope(weddingId) : undefined;
    }
    case 'supplierOrWedding': {
      const weddingId = text('weddingId');
      const supplierId = text('supplierId');
      if (weddingId && fields.teamOnly !== true) return weddingScope(weddingId);
      return supplierId ? supplierScope(supplierId) : undefined;
    }
  }
}

function isManager(role: string | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
