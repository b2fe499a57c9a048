import type { LockHolder, LockStatePayload, Topic } from '@wedsync/protocol';
import { ANONYMOUS_DISPLAY_NAME, decodeActor } from '../actors/actor-label.ts';
import type { Directory } from '../directory/directory.ts';
import type { Audience, RecordRef } from '../rights/audience.ts';
import { topicIncludes } from '../rights/topic-contents.ts';
import { audienceSees } from '../rights/visibility.ts';
import { hidesBoundAnswer } from './bound-answers.ts';
import { ANONYMOUS_ACTOR, asTopic, hiddenFieldIds } from './record-projection.ts';

/**
 * A lock (R4.1) as one audience may see it (R14.2, DESIGN §3) — the engine's `projectLockState` hook
 * for `lock_state` notices, lock replies and FIELD_LOCKED refusals:
 * - nothing about a lock on a record the audience may not see on this topic (another supplier's
 *   task, an answer showing an unshared core field), nor on a field hidden from it (an unshared
 *   core field of the wedding);
 * - a lock held in anonymous mode (`anon:{userId}`) reads, for the couple, "A team member" with the
 *   opaque id `anonymous` (as `Change.by` does); for a team, the editor by id and name.
 * A lock on a record the Directory does not know yet (locked before its first write) is shown to the
 * audiences that may see its scope's records of that kind, and always to the holder's own audience.
 */
export function projectLockState(
  directory: Directory,
  audience: Audience,
  lock: LockStatePayload & { scope: string },
  topic: string | Topic,
): LockStatePayload | undefined {
  const parsed = asTopic(topic);
  if (!parsed) return undefined;
  const known = directory.records.getAny(lock.c, lock.id);
  const record: RecordRef = known ?? { c: lock.c, id: lock.id, scope: lock.scope, fields: {} };
  const visible =
    topicIncludes(directory, parsed, record) &&
    audienceSees(directory, audience, record) &&
    !hidesBoundAnswer(directory, audience, record);
  if (!visible && (known || !holderInAudience(directory, audience, lock.holder))) return undefined;
  if (lock.f !== undefined && hiddenFieldIds(directory, audience, record).has(lock.f)) return undefined;
  const { scope: _scope, ...state } = lock;
  return state.holder ? { ...state, holder: holderFor(directory, audience, state.holder) } : state;
}

/** The holder as the audience sees it: an anonymous editor is "A team member" to the couple. */
export function holderFor(directory: Directory, audience: Audience, holder: LockHolder): LockHolder {
  const actor = decodeActor(holder.userId);
  if (!actor.anonymous) return holder;
  if (audience.kind === 'couple') return { userId: ANONYMOUS_ACTOR, name: ANONYMOUS_DISPLAY_NAME };
  return { userId: actor.userId, name: directory.displayName(actor.userId) };
}

function holderInAudience(directory: Directory, audience: Audience, holder: LockHolder | null): boolean {
  if (!holder) return false;
  const { userId } = decodeActor(holder.userId);
  return audience.kind === 'couple'
    ? directory.partnersOf(audience.coupleId).includes(userId)
    : directory.suppliersOfUser(userId).includes(audience.supplierId);
}
