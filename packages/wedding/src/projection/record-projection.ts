import {
  type Change,
  type FieldOp,
  type HistoryEntry,
  parseTopic,
  type RecordSnapshot,
  type Topic,
} from '@wedsync/protocol';
import { decodeActor } from '../actors/actor-label.ts';
import { CORE_FIELDS } from '../collections/wedding-collections.ts';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import { namedFields } from '../directory/record-index.ts';
import { type Audience, parseScope, type RecordRef } from '../rights/audience.ts';
import { topicIncludes } from '../rights/topic-contents.ts';
import { audienceSees } from '../rights/visibility.ts';
import { hidesBoundAnswer } from './bound-answers.ts';

/** What a couple sees as `by` of an anonymous edit (R14.2); clients show "A team member". */
export const ANONYMOUS_ACTOR = 'anonymous';

const WEDDING_CORE_FIELD_IDS = new Map(CORE_FIELDS.map((field) => [fieldIdOf('weddings', field), field]));

/**
 * Per-audience projection (DESIGN §3, R14.2). One committed change, record or history entry is
 * turned into what one audience may see: nothing of a record it may not see, no core field the
 * couple did not share with that supplier — neither on the wedding nor as the answer to a form field
 * bound to it (`hidesBoundAnswer`) — and "anonymous" as the actor of an anonymous edit for the
 * couple. Returns undefined when nothing is left to send.
 *
 * The Directory must already hold the record (apply changes before projecting them); a change of a
 * record it does not know yet is judged from the change's own ops (its create carries the owner fields).
 */
export function projectChange(
  directory: Directory,
  change: Change & { scope: string },
  audience: Audience,
  topic: string | Topic,
): Change | undefined {
  const parsed = asTopic(topic);
  if (!parsed) return undefined;
  const record = recordOf(directory, change);
  if (!visibleRecord(directory, audience, parsed, record)) return undefined;
  const ops = visibleOps(directory, audience, record, change.ops);
  if (ops.length === 0 && change.ops.length > 0 && !change.del) return undefined;
  const { scope: _scope, ...wire } = change;
  const projected: Change = { ...wire, ops, by: actorFor(audience, change.by) };
  if (projected.by === ANONYMOUS_ACTOR) {
    delete projected.cid;
    delete projected.mid;
  }
  return projected;
}

/** A record snapshot (fields keyed by field id) as the audience may see it. */
export function projectRecord(
  directory: Directory,
  record: RecordSnapshot & { scope: string },
  audience: Audience,
  topic: string | Topic,
): RecordSnapshot | undefined {
  const parsed = asTopic(topic);
  if (!parsed) return undefined;
  const known = directory.records.getAny(record.c, record.id);
  const ref: RecordRef = known ?? {
    c: record.c,
    id: record.id,
    scope: record.scope,
    fields: namedFields(record.c, record.fields),
  };
  if (!visibleRecord(directory, audience, parsed, ref)) return undefined;
  const hidden = hiddenFieldIds(directory, audience, ref);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.fields)) if (!hidden.has(Number(key))) fields[key] = value;
  const snapshot: RecordSnapshot = { c: record.c, id: record.id, v: record.v, fields };
  if (record.del) snapshot.del = true;
  return snapshot;
}

/** A history entry (R4.2) as the audience may see it: undefined when the version changed nothing visible. */
export function projectHistoryEntry(
  directory: Directory,
  record: { c: string; id: string; scope: string },
  entry: HistoryEntry,
  audience: Audience,
  topic: string | Topic,
): HistoryEntry | undefined {
  const change = projectChange(
    directory,
    { ...record, seq: entry.seq, v: entry.v, ops: entry.ops, by: entry.by, at: entry.at },
    audience,
    topic,
  );
  const snapshot = projectRecord(directory, { ...record, v: entry.v, fields: entry.fields }, audience, topic);
  if (!change || !snapshot) return undefined;
  const projected: HistoryEntry = {
    v: entry.v,
    seq: entry.seq,
    by: change.by,
    at: entry.at,
    ops: change.ops,
    fields: snapshot.fields,
  };
  if (entry.rollbackOf !== undefined) projected.rollbackOf = entry.rollbackOf;
  return projected;
}

/** The actor as the audience sees it: teams see who, couples see "anonymous" for anonymous edits. */
export function actorFor(audience: Audience, by: string): string {
  const actor = decodeActor(by);
  if (!actor.anonymous) return by;
  return audience.kind === 'couple' ? ANONYMOUS_ACTOR : actor.userId;
}

/** Field ids of a record hidden from the audience: a wedding's unshared core fields, for a supplier. */
export function hiddenFieldIds(directory: Directory, audience: Audience, record: RecordRef): Set<number> {
  const hidden = new Set<number>();
  if (record.c !== 'weddings' || audience.kind !== 'team') return hidden;
  const scope = parseScope(record.scope);
  if (scope?.kind !== 'wedding') return hidden;
  for (const [fieldId, field] of WEDDING_CORE_FIELD_IDS) {
    if (!directory.isShared(scope.id, audience.supplierId, field)) hidden.add(fieldId);
  }
  return hidden;
}

/** The whole record: on the topic, seen by the audience, and not an answer showing an unshared core field. */
function visibleRecord(directory: Directory, audience: Audience, topic: Topic, record: RecordRef): boolean {
  return (
    topicIncludes(directory, topic, record) &&
    audienceSees(directory, audience, record) &&
    !hidesBoundAnswer(directory, audience, record)
  );
}

function visibleOps(directory: Directory, audience: Audience, record: RecordRef, ops: FieldOp[]): FieldOp[] {
  const hidden = hiddenFieldIds(directory, audience, record);
  return hidden.size === 0 ? ops : ops.filter((op) => !hidden.has(op.f));
}

function recordOf(directory: Directory, change: Change & { scope: string }): RecordRef {
  const known = directory.records.getAny(change.c, change.id);
  if (known) return known;
  const fields: Record<string, unknown> = {};
  for (const op of change.ops) if (op.k === 'set') fields[String(op.f)] = op.v;
  return { c: change.c, id: change.id, scope: change.scope, fields: namedFields(change.c, fields) };
}

const topicCache = new Map<string, Topic | undefined>();

/** A topic string parsed (cached), or undefined when it is not a topic. */
export function asTopic(topic: string | Topic): Topic | undefined {
  if (typeof topic !== 'string') return topic;
  if (!topicCache.has(topic)) {
    if (topicCache.size > 10_000) topicCache.clear();
    const parsed = parseTopic(topic);
    topicCache.set(topic, parsed.ok ? parsed.value : undefined);
  }
  return topicCache.get(topic);
}
