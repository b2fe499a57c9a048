import {
  type ChangesPayload,
  EVENTS,
  type RecordSnapshot,
  type ResyncPayload,
  type SyncJoinConfig,
} from '@wedsync/protocol';
import type { Storage } from '../storage/storage.ts';
import { changeCompressor } from './change-compression.ts';
import { projectChanges } from './change-delivery.ts';
import type { ResolvedHooks } from './record-sync-hooks.ts';
import type { SyncSession } from './record-sync-host.ts';
import type { Subscription, SubscriptionIndex } from './subscription-index.ts';

export interface ResumeDeps {
  storage: Storage;
  index: SubscriptionIndex;
  hooks: ResolvedHooks;
  /** Changes per replay frame. */
  replayChunkSize: number;
}

/**
 * Brings a freshly joined subscription up to date (R11.2, DESIGN §1):
 * - `snapshot: true` → `sync_resync { reason: 'SNAPSHOT' }`;
 * - `since: n` → the changes in `(n, head]` in `seq` order as `sync_changes { replay: true }` frames of
 *   at most `replayChunkSize`; when part of that gap was pruned (or `n` is ahead of this log) →
 *   `sync_resync { reason: 'RESYNC_REQUIRED' }` with a snapshot;
 * - neither → live changes from now on.
 * Then the live changes held while resuming follow. Returns false when the subscription went away.
 */
export async function resumeSubscription(
  deps: ResumeDeps,
  subscription: Subscription,
  scopes: readonly string[],
  config: SyncJoinConfig | undefined,
  push: (event: string, payload: unknown) => void,
): Promise<boolean> {
  const { storage, index } = deps;
  if (scopes.length === 0) {
    // The channel carries no records (e.g. presence only): nothing to resume.
  } else if (config?.snapshot) {
    const resync = await readSnapshot(deps, scopes, subscription.session, subscription.topic, 'SNAPSHOT');
    if (!index.isCurrent(subscription)) return false;
    subscription.cursor = resync.seq;
    push(EVENTS.resync, resync);
  } else if (config?.since !== undefined) {
    const since = config.since;
    const [head, oldest] = await Promise.all([storage.headSeq(), storage.oldestRetainedSeq()]);
    if (since > head || !retained(since, oldest)) {
      const resync = await readSnapshot(deps, scopes, subscription.session, subscription.topic, 'RESYNC_REQUIRED');
      if (!index.isCurrent(subscription)) return false;
      subscription.cursor = resync.seq;
      push(EVENTS.resync, resync);
    } else if (!(await replay(deps, subscription, scopes, since, push))) {
      return false;
    }
  }
  return finishResume(deps.index, subscription, push);
}

/** Every change after `since` is still in the log. */
function retained(since: number, oldestRetainedSeq: number): boolean {
  return since + 1 >= oldestRetainedSeq;
}

async function replay(
  deps: ResumeDeps,
  subscription: Subscription,
  scopes: readonly string[],
  since: number,
  push: (event: string, payload: unknown) => void,
): Promise<boolean> {
  const { storage, index, hooks, replayChunkSize } = deps;
  const { session, topic } = subscription;
  let cursor = since;
  for (;;) {
    const rows = await storage.changesSince(scopes, cursor, replayChunkSize);
    if (!index.isCurrent(subscription)) return false;
    if (rows.length > 0 && !retained(cursor, await storage.oldestRetainedSeq())) {
      // Pruned while we were reading: the replay would have a hole.
      const resync = await readSnapshot(deps, scopes, session, topic, 'RESYNC_REQUIRED');
      if (!index.isCurrent(subscription)) return false;
      subscription.cursor = resync.seq;
      push(EVENTS.resync, resync);
      return true;
    }
    if (rows.length > 0) await hooks.beforeDeliver?.(rows, rows.at(-1)?.seq ?? cursor);
    if (!index.isCurrent(subscription)) return false;
    const changes = projectChanges(hooks, rows, session, topic);
    if (changes.length > 0) push(EVENTS.changes, { changes, replay: true } satisfies ChangesPayload);
    cursor = rows.at(-1)?.seq ?? cursor;
    subscription.cursor = cursor;
    if (rows.length < replayChunkSize) return true;
  }
}

/** Ends the resume: the live changes held meanwhile that the resume did not cover follow as one frame. */
export function finishResume(
  index: SubscriptionIndex,
  subscription: Subscription,
  push: (event: string, payload: unknown) => void,
): boolean {
  if (!index.isCurrent(subscription)) return false;
  const held = subscription.pending ?? [];
  subscription.pending = undefined;
  const fresh = held.filter((change) => change.seq > subscription.cursor);
  if (fresh.length > 0) push(EVENTS.changes, { changes: fresh } satisfies ChangesPayload);
  return true;
}

/** A projected snapshot of the channel's scopes, current up to its `seq`. */
export async function readSnapshot(
  deps: Pick<ResumeDeps, 'storage' | 'hooks'>,
  scopes: readonly string[],
  session: SyncSession,
  topic: string,
  reason: ResyncPayload['reason'],
): Promise<ResyncPayload> {
  const snapshot = await deps.storage.snapshot(scopes);
  await deps.hooks.beforeDeliver?.([], snapshot.seq);
  const records: RecordSnapshot[] = [];
  for (const record of snapshot.records) {
    const projected = deps.hooks.projectRecord(record, session, topic);
    if (projected) records.push(changeCompressor.compressRecord(projected));
  }
  return { reason, seq: snapshot.seq, records };
}
