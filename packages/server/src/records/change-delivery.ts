import { type Change, type ChangesPayload, EVENTS } from '@wedsync/protocol';
import type { StoredChange } from '../storage/storage.ts';
import { changeCompressor } from './change-compression.ts';
import type { ResolvedHooks } from './record-sync-hooks.ts';
import type { RecordSyncHost, SyncSession } from './record-sync-host.ts';
import type { SubscriptionIndex } from './subscription-index.ts';

/**
 * Sends committed changes (in `seq` order) to this node's channel members (R3, R12.2, DESIGN §3, §7).
 * All the changes of one read go to a socket as one `sync_changes` frame per channel, so a bulk
 * change of 1,000 records is one frame per subscriber, not 1,000. Each change is projected once per
 * audience key, and every session of one audience gets the same payload object (serialised once).
 */
export function deliverChanges(
  host: RecordSyncHost,
  index: SubscriptionIndex,
  hooks: ResolvedHooks,
  rows: readonly StoredChange[],
): void {
  const byTopic = new Map<string, StoredChange[]>();
  for (const row of rows) {
    for (const topic of index.topicsOfScope(row.scope) ?? []) {
      let list = byTopic.get(topic);
      if (!list) {
        list = [];
        byTopic.set(topic, list);
      }
      list.push(row);
    }
  }
  for (const [topic, changes] of byTopic) {
    const audiences = new Map<string, { changes: Change[]; payload: ChangesPayload | undefined }>();
    const forAudience = (session: SyncSession) => {
      const key = hooks.audienceKey(session, topic);
      let audience = audiences.get(key);
      if (!audience) {
        const projected = projectChanges(hooks, changes, session, topic);
        audience = { changes: projected, payload: projected.length > 0 ? { changes: projected } : undefined };
        audiences.set(key, audience);
      }
      return audience;
    };
    host.deliverLocal(topic, EVENTS.changes, (session: SyncSession) => {
      const subscription = index.get(session.id, topic) ?? index.add(session, topic);
      const audience = forAudience(session);
      if (!audience.payload) return undefined;
      if (subscription.pending) {
        subscription.pending.push(...audience.changes);
        return undefined;
      }
      const first = audience.changes[0];
      if (first && first.seq > subscription.cursor) return audience.payload;
      const fresh = audience.changes.filter((change) => change.seq > subscription.cursor);
      return fresh.length > 0 ? { changes: fresh } : undefined;
    });
  }
}

export function projectChanges(
  hooks: ResolvedHooks,
  rows: readonly StoredChange[],
  session: SyncSession,
  topic: string,
): Change[] {
  const projected: Change[] = [];
  for (const row of rows) {
    const change = hooks.projectChange(row, session, topic);
    // Large slots compressed here, once per audience projection, before the one serialisation (R12.2).
    if (change) projected.push(changeCompressor.compressChange(change));
  }
  return projected;
}
