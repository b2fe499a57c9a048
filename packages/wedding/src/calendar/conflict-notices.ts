import { CALENDAR_CONFLICT_EVENT, type CalendarConflictPayload, parseTopic } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange, IndexedRecord } from '../directory/record-index.ts';
import { audienceKey, parseScope } from '../rights/audience.ts';
import { canJoin } from '../rights/join-rights.ts';
import { topicIncludes } from '../rights/topic-contents.ts';
import { conflictsForAudience, conflictsOfSlot, meetingConflicts, meetingSlot } from './meeting-conflicts.ts';

/**
 * The engine's local delivery (`RealtimeServer.deliverLocal` with a per-session payload), declared
 * structurally: members for whom the function returns undefined get nothing; each distinct payload
 * object is serialised once.
 */
export interface LocalDelivery {
  deliverLocal(topic: string, event: string, payloadFor: (session: { user: { id: string } }) => unknown): number;
}

/**
 * The meetings whose conflict warnings one applied change may have changed (R9.2): the meeting
 * itself and every meeting it overlapped before or overlaps now. Empty when the change neither had
 * nor has a conflict (most edits), so an ordinary booking sends no warning traffic.
 */
export function meetingsWithChangedConflicts(directory: Directory, applied: AppliedChange): string[] {
  const { change, before } = applied;
  if (change.c !== 'meetings') return [];
  const beforeSlot = before && meetingSlot(before);
  const was = beforeSlot ? conflictsOfSlot(directory, beforeSlot) : [];
  const now = meetingConflicts(directory, change.id);
  if (was.length === 0 && now.length === 0) return [];
  return [...new Set([change.id, ...was.map((c) => c.otherMeetingId), ...now.map((c) => c.otherMeetingId)])];
}

/** The R2.1 topics that may carry a meeting: its wedding's and couple's, its suppliers', its team's. */
export function meetingTopics(directory: Directory, record: Pick<IndexedRecord, 'scope'>): string[] {
  const scope = parseScope(record.scope);
  if (scope?.kind === 'supplier') return [`supplier:${scope.id}`, `supplier:${scope.id}:team`];
  if (scope?.kind !== 'wedding') return [];
  const coupleId = directory.coupleOfWedding(scope.id);
  return [
    `wedding:${scope.id}`,
    ...(coupleId ? [`couple:${coupleId}`, `couple:${coupleId}:timeline`] : []),
    ...directory.connectedSuppliers(scope.id).map((supplierId) => `supplier:${supplierId}`),
  ];
}

/**
 * Pushes the current conflict list of each meeting to this node's members of every topic carrying
 * it, projected per audience (`conflictsForAudience`): a member whose audience may not see the
 * meeting gets nothing. Every node calls this for the changes it follows, so each socket gets the
 * warning once, from its own node, as soon as the node has the change. Returns frames queued.
 */
export function deliverConflictNotices(
  host: LocalDelivery,
  directory: Directory,
  meetingIds: readonly string[],
): number {
  let frames = 0;
  for (const meetingId of meetingIds) {
    const record = directory.records.getAny('meetings', meetingId);
    if (!record) continue;
    for (const topic of meetingTopics(directory, record)) {
      const parsed = parseTopic(topic);
      if (!parsed.ok || !topicIncludes(directory, parsed.value, record)) continue;
      const byAudience = new Map<string, CalendarConflictPayload | undefined>();
      frames += host.deliverLocal(topic, CALENDAR_CONFLICT_EVENT, (session) => {
        const decision = canJoin(directory, session.user.id, parsed.value);
        if (!decision.ok) return undefined;
        const key = audienceKey(decision.audience);
        if (!byAudience.has(key)) {
          const conflicts = conflictsForAudience(directory, meetingId, decision.audience);
          byAudience.set(key, conflicts && { meetingId, conflicts });
        }
        return byAudience.get(key);
      });
    }
  }
  return frames;
}
