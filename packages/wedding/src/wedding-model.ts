import type { HistoryEntry, RecordSnapshot, Topic } from '@wedsync/protocol';
import { type ActivityEvent, activityFromRecord } from './activity/activity-event.ts';
import { activityText } from './activity/activity-text.ts';
import { describeChange } from './activity/describe-change.ts';
import { Directory } from './directory/directory.ts';
import { DirectoryFollower } from './directory/directory-follower.ts';
import type { LogSource } from './directory/log-source.ts';
import type { AppliedChange, IndexableChange } from './directory/record-index.ts';
import { weddingRealtimeHooks } from './hooks/realtime-hooks.ts';
import { weddingRecordSyncHooks } from './hooks/record-sync-hooks.ts';
import { type ClientStatus, clientStatuses } from './metrics/client-status.ts';
import { type FormCompletion, formCompletion } from './metrics/form-completion.ts';
import { SupplierMetrics, type SupplierMetricsSnapshot } from './metrics/supplier-metrics.ts';
import { projectChange, projectHistoryEntry, projectRecord } from './projection/record-projection.ts';
import { type Reprojection, sharingReprojections } from './projection/sharing-effects.ts';
import { type PropagationEvent, propagateCoreFieldChange } from './propagation/core-field-propagation.ts';
import type { Audience } from './rights/audience.ts';
import { canJoin, type JoinDecision } from './rights/join-rights.ts';
import {
  applyWithRevocations,
  primaryTopicsForUser,
  type TopicGrant,
  type TopicLoss,
  topicsForUser,
} from './rights/user-topics.ts';
import { authorizeMutation, canWrite, type MutationDecision, type WriteDecision } from './rights/write-rights.ts';

/**
 * The WedSync model in one object, for the app server to wire into the engine (DESIGN §3, §6):
 * one Directory (the in-memory read model of rights), and everything decided from it.
 *
 * Wiring, in order: `model.follow(storage).load()`; `metrics.rebuild()`; on every commit hint
 * `follower.catchUp()` → `revokeUser` each lost topic, publish `propagate`/`describe` results;
 * hooks: `realtimeHooks()` for createRealtimeServer, `recordSyncHooks()` for attachRecordSync.
 */
export class WeddingModel {
  readonly metrics: SupplierMetrics;

  constructor(readonly directory: Directory = new Directory()) {
    this.metrics = new SupplierMetrics(directory);
  }

  /** A follower that keeps this model's Directory current from the log (call `load`, then `catchUp`). */
  follow(source: LogSource, options: { batchSize?: number } = {}): DirectoryFollower {
    return new DirectoryFollower(source, this.directory, options);
  }

  /** Applies committed changes directly (tests, single-node wiring); reports topics lost (R2.2). */
  applyChanges(changes: readonly IndexableChange[]): { applied: AppliedChange[]; lost: TopicLoss[] } {
    return applyWithRevocations(this.directory, changes);
  }

  // Rights (R2.2, R14.1)

  canJoin(userId: string, topic: string | Topic): JoinDecision {
    return canJoin(this.directory, userId, topic);
  }

  canWrite(userId: string, topic: string | Topic, collection?: string, fieldIds?: readonly number[]): WriteDecision {
    return canWrite(this.directory, userId, topic, collection, fieldIds);
  }

  authorizeMutation(
    userId: string,
    topic: string | Topic,
    mutation: Parameters<typeof authorizeMutation>[3],
  ): MutationDecision {
    return authorizeMutation(this.directory, userId, topic, mutation);
  }

  /** For GET /api/me: every topic the person may join, with access. */
  topicsForUser(userId: string): TopicGrant[] {
    return topicsForUser(this.directory, userId);
  }

  primaryTopicsForUser(userId: string): string[] {
    return primaryTopicsForUser(this.directory, userId);
  }

  /** R14.2: hide this person from presence when false. */
  presenceVisible(userId: string): boolean {
    return this.directory.presenceVisible(userId);
  }

  // Projection (DESIGN §3, R14.2)

  projectChange(change: Parameters<typeof projectChange>[1], audience: Audience, topic: string | Topic) {
    return projectChange(this.directory, change, audience, topic);
  }

  projectRecord(record: RecordSnapshot & { scope: string }, audience: Audience, topic: string | Topic) {
    return projectRecord(this.directory, record, audience, topic);
  }

  projectHistoryEntry(
    record: { c: string; id: string; scope: string },
    entry: HistoryEntry,
    audience: Audience,
    topic: string | Topic,
  ) {
    return projectHistoryEntry(this.directory, record, entry, audience, topic);
  }

  /** Records to re-send, freshly projected, after a sharing or form-binding change (R14.2 live). */
  reprojections(applied: AppliedChange): Reprojection[] {
    return sharingReprojections(applied, this.directory);
  }

  // Derived events (R3.1, R3.2, R6.1)

  /** Core-field propagation of one applied change (empty unless it changed a wedding's core field). */
  propagate(applied: AppliedChange): PropagationEvent[] {
    return propagateCoreFieldChange(this.directory, applied);
  }

  /** Activity events one applied change describes (commit them as `activity` records). */
  describe(applied: AppliedChange): ActivityEvent[] {
    return describeChange(this.directory, applied);
  }

  activityText(event: ActivityEvent, audience: Audience, nowMs: number): string | undefined {
    return activityText(this.directory, event, audience, { nowMs });
  }

  /** The newest activity this audience may see, with its text (R6.1). */
  activityFeed(
    audience: Audience,
    options: { nowMs: number; limit?: number },
  ): { event: ActivityEvent; text: string }[] {
    const feed: { event: ActivityEvent; text: string }[] = [];
    for (const record of this.directory.records.all('activity')) {
      const event = activityFromRecord(record);
      const text = event && this.activityText(event, audience, options.nowMs);
      if (event && text) feed.push({ event, text });
    }
    feed.sort((a, b) => b.event.atMs - a.event.atMs || b.event.id.localeCompare(a.event.id));
    return feed.slice(0, options.limit ?? 50);
  }

  // Dashboards (R3.4, R6.2, R7.1)

  metricsFor(supplierId: string, nowMs: number): SupplierMetricsSnapshot {
    return this.metrics.snapshot(supplierId, nowMs);
  }

  clientStatuses(supplierId: string, options: { nowMs: number; onlineUserIds: ReadonlySet<string> }): ClientStatus[] {
    return clientStatuses(this.directory, supplierId, options);
  }

  formCompletion(assignmentId: string): FormCompletion {
    return formCompletion(this.directory, assignmentId);
  }

  // Engine hooks

  realtimeHooks() {
    return weddingRealtimeHooks(this.directory);
  }

  recordSyncHooks() {
    return weddingRecordSyncHooks(this.directory);
  }
}
