import { LIVE_EVENTS, type LiveActivityPayload } from '@wedsync/protocol';
import type { Actor, CommitResult, RealtimeServer, RecordSync } from '@wedsync/server';
import {
  type ActivityEvent,
  type AppliedChange,
  type Audience,
  activityFromRecord,
  activityOps,
  activityScope,
  type WeddingModel,
} from '@wedsync/wedding';
import type { Logger } from 'pino';
import { audienceTopic } from './derived-propagation.ts';

/** The server's own offline queue for activity records: storage keys it `system:activity`. */
export const ACTIVITY_CLIENT_ID = 'activity';
export const ACTIVITY_ACTOR: Actor = { userId: 'system', name: 'WedSync' };
/** Room for this many activity events per described change in the mid space. */
const EVENTS_PER_CHANGE = 16;

/**
 * The mutation id of the `n`-th activity event of the change with `seq`. Storage applies a mutation
 * at most once per (client id, mid) and counts every mid up to the highest it processed as done; every
 * node follows the log in `seq` order and commits events in this order, so when several nodes commit
 * the same event, the first applies it and the others get `duplicate` (R6.1 exactly once).
 */
export function activityMid(seq: number, n: number): number {
  return seq * EVENTS_PER_CHANGE + n;
}

interface Pending {
  event: ActivityEvent;
  mid: number;
}

/**
 * Writes the activity events (R6.1) each committed change describes as `activity` records, in the
 * scope of the event, one committed change after another. A storage failure keeps the event at the
 * head of the queue and retries after `retryMs` (default 1 000): an event is never skipped, since a
 * later mid would mark it done.
 */
export class ActivityCommitter {
  /** Events this node wrote (`applied`) or found written by another node or an earlier try (`duplicate`). */
  readonly stats = { applied: 0, duplicate: 0, refused: 0 };
  private readonly queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly deps: {
      model: WeddingModel;
      commit: RecordSync['commit'];
      logger: Logger;
      retryMs?: number;
    },
  ) {}

  /** Queues the events of these applied changes (in `seq` order) and starts writing them. */
  enqueue(applied: readonly AppliedChange[]): void {
    for (const change of applied) {
      const events = this.deps.model.describe(change);
      events.forEach((event, n) => {
        if (n < EVENTS_PER_CHANGE) this.queue.push({ event, mid: activityMid(change.change.seq, n) });
        else this.deps.logger.error({ seq: change.change.seq }, 'too many activity events for one change');
      });
    }
    this.kick();
  }

  /** Resolves when the queue is empty or waiting for a retry. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.settled();
  }

  private kick(): void {
    if (this.closed || this.running || this.retryTimer || this.queue.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue[0]; next && !this.closed; next = this.queue[0]) {
      let result: CommitResult;
      try {
        result = await this.deps.commit({
          clientId: ACTIVITY_CLIENT_ID,
          actor: ACTIVITY_ACTOR,
          scope: activityScope(next.event),
          mutations: [{ mid: next.mid, c: 'activity', id: next.event.id, base: 0, ops: activityOps(next.event) }],
        });
      } catch (error) {
        this.deps.logger.warn({ err: error, activity: next.event.id }, 'activity commit failed; retrying');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, this.deps.retryMs ?? 1_000);
        this.retryTimer.unref();
        return;
      }
      const outcome = result.results[0];
      if (outcome?.status === 'applied') this.stats.applied++;
      else if (outcome?.status === 'duplicate') this.stats.duplicate++;
      else {
        this.stats.refused++;
        this.deps.logger.error({ activity: next.event.id, outcome }, 'activity record refused');
      }
      this.queue.shift();
    }
  }
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
