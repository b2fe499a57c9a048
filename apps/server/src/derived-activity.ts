import { LIVE_EVENTS, type LiveActivityPayload } from '@wedsync/protocol';
import type { DeriveRecords, RealtimeServer } from '@wedsync/server';
import {
  type AppliedChange,
  type Audience,
  activityFromRecord,
  activityOps,
  activityScope,
  appliedChangeOf,
  type WeddingModel,
} from '@wedsync/wedding';
import { audienceTopic } from './derived-propagation.ts';

/** Author of activity records in history and the log (the event's actor is in its fields). */
export const ACTIVITY_AUTHOR = 'system';

/**
 * R6.1: the `activity` records a committed version describes, for `RecordSyncOptions.derive`, so each
 * is written in the same transaction as the change it describes (never lost between the two, never
 * written twice: the change itself is applied once). The description reads this node's Directory for
 * names and titles (e.g. a form's title); the version's own before/after come from the transaction.
 */
export function activityDerivation(model: WeddingModel): DeriveRecords {
  return (version) => {
    const change = {
      scope: version.scope,
      seq: 0,
      c: version.c,
      id: version.id,
      v: version.v,
      ops: version.ops,
      ...(version.del ? { del: true as const } : {}),
      by: version.by,
      at: new Date(version.atMs).toISOString(),
    };
    const applied = appliedChangeOf(change, version.before, version.after);
    return model.describe(applied).map((event) => ({
      scope: activityScope(event),
      c: 'activity',
      id: event.id,
      ops: activityOps(event),
      by: ACTIVITY_AUTHOR,
    }));
  };
}

/**
 * R6.1 live feed: a new `activity` record (written by any node) is pushed, with its text rendered for
 * each audience that may see it, to this node's members of the audience's primary channel. Every node
 * does this for its own members, as every node follows the log.
 */
export function deliverActivity(
  model: WeddingModel,
  realtime: RealtimeServer,
  applied: AppliedChange,
  nowMs: number,
): number {
  if (applied.change.c !== 'activity' || applied.before !== undefined || applied.after.deleted) return 0;
  const event = activityFromRecord(applied.after);
  if (!event) return 0;
  const audiences: Audience[] = [];
  const coupleId = event.weddingId ? model.directory.coupleOfWedding(event.weddingId) : undefined;
  if (coupleId && event.weddingId) audiences.push({ kind: 'couple', coupleId, weddingId: event.weddingId });
  const teams = event.supplierId
    ? [event.supplierId]
    : event.weddingId
      ? model.directory.connectedSuppliers(event.weddingId)
      : [];
  for (const supplierId of teams) audiences.push({ kind: 'team', supplierId });
  let frames = 0;
  for (const audience of audiences) {
    const text = model.activityText(event, audience, nowMs);
    if (!text) continue;
    const payload: LiveActivityPayload = {
      id: event.id,
      verb: event.verb,
      text,
      subjectCollection: event.subjectCollection,
      subjectId: event.subjectId,
      at: new Date(event.atMs).toISOString(),
    };
    if (event.weddingId) payload.weddingId = event.weddingId;
    if (event.supplierId) payload.supplierId = event.supplierId;
    frames += realtime.deliverLocal(audienceTopic(audience), LIVE_EVENTS.activityAdded, payload);
  }
  return frames;
}
