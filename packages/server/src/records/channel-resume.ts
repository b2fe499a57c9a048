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
import type { LogBounds } from './log-bounds.ts';
import type { ResolvedHooks } from './record-sync-hooks.ts';
import type { SyncSession } from './record-sync-host.ts';
import type { ReplayReads } from './replay-reads.ts';
import type { Subscription, SubscriptionIndex } from './subscription-index.ts';

export interface ResumeDeps {
  storage: Storage;
  index: SubscriptionIndex;
  hooks: ResolvedHooks;
  /** The log's head and oldest retained seq, mostly without a storage read (issue 9). */
  bounds: LogBounds;
  /** Replay chunks shared by members resuming the same scopes from the same seq (issue 9). */
  reads: ReplayReads;
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
  const { bounds, index } = deps;
  if (scopes.length === 0) {
    // The channel carries no records (e.g. presence only): nothing to resume.
  } else if (config?.snapshot) {
    if (!(await resync(deps, subscription, scopes, push, 'SNAPSHOT'))) return false;
  } else if (config?.since !== undefined) {
    const since = config.since;
    const [ahead, pruned] = await Promise.all([bounds.isAhead(since), bounds.knownPruned(since)]);
    if (!index.isCurrent(subscription)) return false;
    if (ahead || pruned) {
      if (!(await resync(deps, subscription, scopes, push, 'RESYNC_REQUIRED'))) return false;
    } else if (!(await replay(deps, subscription, scopes, since, push))) {
      return false;
    }
  }
  return finishResume(deps.index, subscription, push);
}

/** Sends a snapshot current to its seq; false when the subscription went away meanwhile. */
async function resync(
  deps: ResumeDeps,
  subscription: Subscription,
  scopes: readonly string[],
  push: (event: string, payload: unknown) => void,
  reason: ResyncPayload['reason'],
): Promise<boolean> {
  const payload = await readSnapshot(deps, scopes, subscription.session, subscription.topic, reason);
  if (!deps.index.isCurrent(subscription)) return false;
  subscription.cursor = payload.seq;
  push(EVENTS.resync, payload);
  return true;
}

async function replay(
  deps: ResumeDeps,
  subscription: Subscription,
  scopes: readonly string[],
  since: number,
  push: (event: string, payload: unknown) => void,
): Promise<boolean> {
  const { reads, index, hooks, replayChunkSize } = deps;
  const { session, topic } = subscription;
  let cursor = since;
  for (;;) {
    const chunk = await reads.read(scopes, cursor, replayChunkSize);
    if (!index.isCurrent(subscription)) return false;
    // Pruned before or while we read: the replay would have a hole.
    if (chunk.pruned) return resync(deps, subscription, scopes, push, 'RESYNC_REQUIRED');
    const { rows } = chunk;
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
