import type { Actor, RealtimeHooks, RecordSyncHooks, SessionInfo } from '@wedsync/server';
import { ANONYMOUS_DISPLAY_NAME, actorLabel, parseScope, type WeddingModel } from '@wedsync/wedding';
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
 * - `beforeDeliver`: the Directory catches up before the engine projects (DESIGN §3).
 */
export function appRecordSyncHooks<H extends RecordSyncHooks>(
  model: WeddingModel,
  follower: Pick<ModelFollower, 'beforeDeliver'>,
  base: H,
): H & RecordSyncHooks {
  return {
    ...base,
    actorForWrite: ({ session, scope }) => writeActor(model, session, scope),
    beforeDeliver: (changes, upToSeq) => follower.beforeDeliver(changes, upToSeq),
  };
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
