import type { Change, RecordSnapshot } from '@wedsync/protocol';
import type { Actor, RealtimeHooks, RecordSyncHooks, SessionInfo } from '@wedsync/server';
import {
  ANONYMOUS_ACTOR,
  ANONYMOUS_DISPLAY_NAME,
  actorLabel,
  decodeActor,
  fieldIdOf,
  parseScope,
  type WeddingModel,
} from '@wedsync/wedding';
import type { ModelFollower } from './model-follower.ts';

/**
 * The engine's realtime hooks for WedSync: `base` (the wedding rights for every join and message,
 * R2.2, R14.1), plus presence only for people who have not switched it off (R14.2).
 */
export function appRealtimeHooks<H extends RealtimeHooks>(model: WeddingModel, base: H): H & RealtimeHooks {
  return {
    ...base,
    presenceMeta: ({ session, meta }) => (model.presenceVisible(session.user.id) ? meta : undefined),
  };
}

/**
 * The record-sync hooks for WedSync: `base` (the wedding model's scopes, rights and projection), plus
 * - `actorForWrite`: a team member with anonymous edits on writes a wedding's records as
 *   `anon:{userId}` (R14.2), so the couple sees "A team member" and the team sees who it was;
 * - `beforeDeliver`: the Directory catches up before the engine projects (DESIGN §3);
 * - the `actor` of an anonymous edit's activity record reads `anonymous` for the couple, in changes,
 *   snapshots and history alike (the wedding projection hides it in `by` and in activity text).
 */
export function appRecordSyncHooks<H extends RecordSyncHooks>(
  model: WeddingModel,
  follower: Pick<ModelFollower, 'beforeDeliver'>,
  base: H,
): H & RecordSyncHooks {
  const isCouple = (session: { user: { id: string } }, topic: string) => {
    const decision = model.canJoin(session.user.id, topic);
    return decision.ok && decision.audience.kind === 'couple';
  };
  return {
    ...base,
    projectChange(change, session, topic) {
      const projected = base.projectChange ? base.projectChange(change, session, topic) : change;
      if (projected?.c !== 'activity' || !isCouple(session, topic)) return projected;
      return { ...projected, ops: projected.ops.map(redactActorOp) } as Change;
    },
    projectRecord(record, session, topic) {
      const projected = base.projectRecord ? base.projectRecord(record, session, topic) : record;
      if (projected?.c !== 'activity' || !isCouple(session, topic)) return projected;
      const actor = projected.fields[ACTIVITY_ACTOR_KEY];
      if (typeof actor !== 'string' || !decodeActor(actor).anonymous) return projected;
      return { ...projected, fields: { ...projected.fields, [ACTIVITY_ACTOR_KEY]: ANONYMOUS_ACTOR } } as RecordSnapshot;
    },
    actorForWrite: ({ session, scope }) => writeActor(model, session, scope),
    beforeDeliver: (changes, upToSeq) => follower.beforeDeliver(changes, upToSeq),
  };
}

const ACTIVITY_ACTOR_FIELD = fieldIdOf('activity', 'actor');
const ACTIVITY_ACTOR_KEY = String(ACTIVITY_ACTOR_FIELD);

function redactActorOp(op: Change['ops'][number]): Change['ops'][number] {
  if (op.f !== ACTIVITY_ACTOR_FIELD || op.k !== 'set' || typeof op.v !== 'string') return op;
  return decodeActor(op.v).anonymous ? { ...op, v: ANONYMOUS_ACTOR } : op;
}

/**
 * Who an edit is recorded as (R14.2): anonymous only for a team member (never a partner) with the
 * setting on, writing in a wedding's scope — the only records a couple sees that teams write.
 */
export function writeActor(
  model: WeddingModel,
  session: { id: string; user: Pick<SessionInfo['user'], 'id' | 'name'> },
  scope: string,
): Actor {
  const userId = session.user.id;
  const { directory } = model;
  const name = directory.displayName(userId) || session.user.name;
  const target = parseScope(scope);
  const anonymous =
    target?.kind === 'wedding' &&
    directory.anonymousEdits(userId) &&
    !directory.isPartnerInWedding(userId, target.id) &&
    directory.suppliersOfUser(userId).length > 0;
  return anonymous
    ? { userId: actorLabel(userId, true), name: ANONYMOUS_DISPLAY_NAME, sessionId: session.id }
    : { userId, name, sessionId: session.id };
}
