import { compileSchemas, type SchemaIndex } from '@wedsync/merge';
import {
  type CollectionSchema,
  EVENTS,
  errorResponse,
  joinPayloadSchema,
  type SyncJoinConfig,
  type SystemPayload,
} from '@wedsync/protocol';
import type { AuditSink } from '../audit/audit-sink.ts';
import { RecordAudit } from '../audit/record-audit.ts';
import { LockNotices } from '../locks/lock-notices.ts';
import { RecordLocks } from '../locks/record-locks.ts';
import type {
  CommitRequest,
  CommitResult,
  DeriveRecords,
  RollbackRequest,
  Storage,
  StoredChange,
} from '../storage/storage.ts';
import { deliverChanges } from './change-delivery.ts';
import { ChangePump } from './change-pump.ts';
import { readSnapshot, resumeSubscription } from './channel-resume.ts';
import { storageClientId } from './client-identity.ts';
import { handleHistory, handleRollback } from './history-handler.ts';
import { LogBounds } from './log-bounds.ts';
import { LogRetention } from './log-retention.ts';
import { handleMutate } from './mutate-handler.ts';
import { type RecordSyncHooks, resolveHooks } from './record-sync-hooks.ts';
import type { RecordSyncHost, SyncEventContext, SyncJoinContext, SyncSession } from './record-sync-host.ts';
import { ReplayReads } from './replay-reads.ts';
import { type Subscription, SubscriptionIndex } from './subscription-index.ts';

/**
 * Bus subject of commit hints `{ h: headSeq, c?: changes }`: "the log has changes up to h", carrying
 * the commit's changes when they are few, so nodes whose cursor they continue need no log read.
 */
export const LOG_HINT_SUBJECT = 'records:log';
/** Larger hints carry only the head; the nodes read the log. */
const MAX_HINT_CHARS = 64 * 1024;

const DAY_MS = 86_400_000;

export interface RecordSyncOptions {
  storage: Storage;
  schemas: readonly CollectionSchema[];
  hooks?: RecordSyncHooks;
  /** Log entries older than this are pruned; default 7 days (R11.2). */
  retentionMs?: number;
  /** Default 1 hour. */
  pruneIntervalMs?: number;
  /** Default 30 000 (R4.1). */
  lockTtlMs?: number;
  /** Default 5 000. */
  lockSweepIntervalMs?: number;
  /** Safety read of the log when no hint arrived (lost bus messages); default 10 000. */
  pollIntervalMs?: number;
  /** Changes per replay frame; default 500. */
  replayChunkSize?: number;
  /** Changes per live log read (one frame per channel per read); default 1 000. */
  readBatchSize?: number;
  /** Commits of at most this many changes travel on the bus hint itself (0: hints only); default 100. */
  hintChangeLimit?: number;
  /** Clock in epoch ms; default `Date.now`. */
  nowMs?: () => number;
  /** Where failures of background work go; default `console.error`. */
  onError?: (error: unknown, context: string) => void;
  /**
   * R14.1 audit trail: mutation applied/refused, conflict raised/resolved, lock taken/refused/expired and
   * rollback go to this sink (e.g. the `AuditTrail` given to `createRealtimeServer`). Default: none.
   */
  audit?: AuditSink;
  /**
   * Records every committed version implies (e.g. the application's activity feed), written in the
   * same transaction as the version, for client mutations, server commits and rollbacks alike. A hook
   * that throws is reported to `onError` and the change is committed without derived records.
   */
  derive?: DeriveRecords;
}

/** A server-side write (journeys, imports, admin tools), delivered like a client's. */
export interface ServerCommitRequest extends Omit<CommitRequest, 'schemas' | 'nowMs'> {
  nowMs?: number;
}

export interface RecordSync {
  readonly schemas: SchemaIndex;
  /** Every change up to this `seq` has been delivered to this node's channels. */
  readonly deliveredSeq: number;
  commit(request: ServerCommitRequest): Promise<CommitResult>;
  /**
   * A server-side rollback (R4.2, e.g. the HTTP API; rights are the caller's to check): writes the
   * version with what it implies (`derive`) and delivers it like a channel's rollback.
   */
  rollback(
    request: Omit<RollbackRequest, 'schemas' | 'nowMs' | 'derive'> & { nowMs?: number },
  ): ReturnType<Storage['rollback']>;
  /** Announces changes committed outside `commit` (e.g. straight through `storage`) to every node. */
  notifyCommitted(headSeq: number): void;
  /** Reads the log now, as the safety poll does; resolves when this node has caught up. */
  catchUp(): Promise<void>;
  /**
   * Re-reads `hooks.scopesForTopic` for this node's channels (all, or the given ones) and, where a
   * channel's scopes changed, sends its members a fresh snapshot. Call it when rights or sharing that
   * decide a channel's scopes changed; joins re-read them too.
   */
  refreshScopes(topics?: Iterable<string>): Promise<void>;
  /**
   * Sends a fresh snapshot of each given channel to this node's members for which `which` is true
   * (default: all), though the channel's scopes did not change: for when what they may see of it
   * changed (e.g. a sharing setting, R14.2), so fields disappear or appear at once. Members still
   * resuming are left alone (their resume projects with the new rights). Resolves once sent.
   */
  resendSnapshots(topics: Iterable<string>, which?: (session: SyncSession, topic: string) => boolean): Promise<void>;
  /** Expires overdue locks now and announces them (the sweep timer does this periodically). */
  sweepLocks(): Promise<void>;
  /** Prunes the log now (the retention timer does this periodically). */
  pruneLog(): Promise<number>;
  /** Stops timers and bus subscriptions; the server and storage stay open. */
  close(): Promise<void>;
}

/**
 * Durable record sync on a realtime server (DESIGN §1–§3, R3, R4, R11.2, R12.2): answers
 * `sync_mutate`, `sync_snapshot`, `lock`, `history` and `rollback` on every channel, resumes channels
 * from `config.sync` at join, and delivers committed changes from the log to this node's members.
 */
export async function attachRecordSync(host: RecordSyncHost, options: RecordSyncOptions): Promise<RecordSync> {
  const { storage } = options;
  const nowMs = options.nowMs ?? Date.now;
  const onError =
    options.onError ?? ((error: unknown, context: string) => console.error(`[record-sync] ${context}:`, error));
  const schemas = compileSchemas(options.schemas);
  const hooks = resolveHooks(options.hooks);
  const audit = new RecordAudit(options.audit, host.nodeId, nowMs);
  const index = new SubscriptionIndex();
  const readBatchSize = options.readBatchSize ?? 1_000;
  const replayChunkSize = options.replayChunkSize ?? 500;

  const scopesOf = async (topic: string) => index.scopesOf(topic) ?? hooks.scopesForTopic(topic);
  const pump = new ChangePump(
    {
      storage,
      scopes: () => index.scopes(),
      deliver: (rows) => deliverChanges(host, index, hooks, rows),
      beforeDeliver: hooks.beforeDeliver,
      readBatchSize,
      onError: (error) => onError(error, 'log read'),
    },
    await storage.headSeq(),
  );
  const hintChangeLimit = options.hintChangeLimit ?? 100;
  /** After a commit: deliver locally, and tell every node (with the changes themselves when small). */
  const committed = (changes: readonly StoredChange[]) => {
    const head = changes.at(-1)?.seq;
    if (head === undefined) return;
    pump.offer(changes);
    let hint = changes.length <= hintChangeLimit ? JSON.stringify({ h: head, c: changes }) : '';
    if (hint === '' || hint.length > MAX_HINT_CHARS) hint = JSON.stringify({ h: head });
    host.bus.publish(LOG_HINT_SUBJECT, hint).catch((error) => onError(error, 'commit hint'));
  };
  const notices = new LockNotices({
    bus: host.bus,
    localTopicsOfScope: (scope) => index.topicsOfScope(scope) ?? [],
    deliverLocal: (topic, event, payload) => host.deliverLocal(topic, event, payload),
    projection: hooks,
    onError,
    onNotice: (scope) => locks.noteNotice(scope),
  });
  const locks = new RecordLocks({
    storage,
    hooks,
    notices,
    lockTtlMs: options.lockTtlMs ?? 30_000,
    lockSweepIntervalMs: options.lockSweepIntervalMs ?? 5_000,
    nowMs,
    scopesOf,
    onError,
    onExpired: (rows) => audit.locksExpired(rows),
  });
  // After `locks` exists: notices from other nodes may arrive from now on.
  await notices.start().catch(async (error: unknown) => {
    await locks.close();
    throw error;
  });
  const bounds = new LogBounds(storage, () => pump.knownHeadSeq);
  const reads = new ReplayReads({
    storage,
    bounds,
    deliveredSeq: () => pump.cursorSeq,
    linkStamp: (scopes) => index.linkStamp(scopes),
  });
  const retention = new LogRetention({
    storage,
    retentionMs: options.retentionMs ?? 7 * DAY_MS,
    pruneIntervalMs: options.pruneIntervalMs ?? 3_600_000,
    nowMs,
    onError,
    onPruned: () => bounds.notePruned(),
  });

  const unsubscribeHints = await host.bus.subscribe(LOG_HINT_SUBJECT, (message) => {
    try {
      const hint = JSON.parse(message) as { h?: unknown; c?: StoredChange[] };
      if (Array.isArray(hint.c)) pump.offer(hint.c);
      else if (typeof hint.h === 'number') pump.noteHead(hint.h);
    } catch (error) {
      onError(error, 'commit hint');
    }
  });
  const stopStatus = host.bus.onStatusChange((health) => {
    locks.noteBusChange();
    if (health.ok) void pump.schedule(true);
  });
  const pollTimer = setInterval(() => {
    if (index.scopes().length > 0) void pump.schedule(true);
  }, options.pollIntervalMs ?? 10_000);
  pollTimer.unref();

  const derive = guardedDerive(options.derive, onError);
  const historyDeps = { storage, schemas, hooks, nowMs, scopesOf, committed, onError, ...derive };
  const mutateDeps = { storage, schemas, hooks, nowMs, committed, onError, ...derive };
  let closed = false;
  const guard = (handler: (ctx: SyncEventContext) => Promise<void>) => async (ctx: SyncEventContext) => {
    if (closed) return ctx.reply('error', errorResponse('SERVER_SHUTTING_DOWN'));
    await handler(ctx);
  };
  host.registerEvent(
    EVENTS.mutate,
    guard((ctx) => handleMutate(mutateDeps, audit.mutate(ctx))),
  );
  host.registerEvent(
    EVENTS.history,
    guard((ctx) => handleHistory(historyDeps, ctx)),
  );
  host.registerEvent(
    EVENTS.rollback,
    guard((ctx) => handleRollback(historyDeps, audit.rollback(ctx))),
  );
  host.registerEvent(
    EVENTS.lock,
    guard((ctx) => locks.handle(audit.lock(ctx))),
  );
  host.registerEvent(
    EVENTS.snapshot,
    guard(async (ctx) => {
      try {
        const resync = await readSnapshot(
          { storage, hooks },
          await scopesOf(ctx.topic),
          ctx.session,
          ctx.topic,
          'SNAPSHOT',
        );
        const subscription = index.get(ctx.session.id, ctx.topic);
        if (subscription && resync.seq > subscription.cursor) subscription.cursor = resync.seq;
        ctx.reply('ok', resync);
      } catch (error) {
        onError(error, 'snapshot');
        ctx.reply('error', errorResponse('STORAGE_UNAVAILABLE'));
      }
    }),
  );

  const resumeDeps = { storage, index, hooks, bounds, reads, replayChunkSize };
  const resume = (subscription: Subscription, scopes: readonly string[], config: SyncJoinConfig | undefined) =>
    resumeSubscription(resumeDeps, subscription, scopes, config, subscription.push ?? (() => undefined)).catch(
      (error: unknown) => {
        onError(error, 'channel resume');
        failSubscription(index, subscription);
      },
    );
  /**
   * A channel's scopes changed (the application's rights or sharing changed): its members' state no
   * longer matches, so each gets a fresh snapshot of the channel (R2.2, R11.2). Members still
   * resuming are left alone: they read the scopes when their resume began.
   */
  const updateScopes = async (topic: string, scopes: readonly string[], except?: Subscription) => {
    const before = index.scopesOf(topic);
    if (!index.setScopes(topic, scopes) || !before) return;
    await resnapshot(topic, scopes, (member) => member !== except);
  };
  const resnapshot = (topic: string, scopes: readonly string[], which: (member: Subscription) => boolean) =>
    Promise.all(
      index.membersOf(topic).map((member) => {
        if (member.pending || !member.push || !which(member)) return undefined;
        member.pending = [];
        return resume(member, scopes, { snapshot: true });
      }),
    );

  host.onJoin(async (ctx: SyncJoinContext) => {
    if (closed) return;
    const subscription = index.claim(ctx.session, ctx.topic, ctx.push);
    const parsed = joinPayloadSchema.safeParse(ctx.payload ?? {});
    const config = parsed.success ? parsed.data.config?.sync : undefined;
    try {
      const scopes = await hooks.scopesForTopic(ctx.topic);
      if (!index.isCurrent(subscription)) return;
      await updateScopes(ctx.topic, scopes, subscription);
      if (scopes.length > 0) await locks.pushCurrent(ctx.topic, ctx.session, ctx.push);
    } catch (error) {
      onError(error, 'channel join');
      failSubscription(index, subscription);
      return;
    }
    await resume(subscription, index.scopesOf(ctx.topic) ?? [], config);
  });
  host.onLeave(async ({ session, topic }) => {
    index.remove(session.id, topic);
    await locks.releaseForLeave(session, topic);
  });
  host.onDisconnect(async (session) => {
    index.removeSession(session.id);
    await locks.releaseForDisconnect(session);
  });

  return {
    schemas,
    get deliveredSeq() {
      return pump.cursorSeq;
    },
    async commit(request) {
      const result = await storage.commit({
        ...request,
        clientId: storageClientId(request.actor.userId, request.clientId),
        schemas,
        nowMs: request.nowMs ?? nowMs(),
        ...derive,
      });
      committed(result.changes);
      audit.serverCommit(request, result.results);
      return result;
    },
    async rollback(request) {
      const outcome = await storage.rollback({ ...request, schemas, nowMs: request.nowMs ?? nowMs(), ...derive });
      if ('change' in outcome) committed([outcome.change, ...outcome.derived]);
      return outcome;
    },
    notifyCommitted(headSeq) {
      pump.noteHead(headSeq);
      host.bus
        .publish(LOG_HINT_SUBJECT, JSON.stringify({ h: headSeq }))
        .catch((error) => onError(error, 'commit hint'));
    },
    async refreshScopes(topics) {
      for (const topic of topics ?? index.topics()) {
        if (index.scopesOf(topic)) await updateScopes(topic, await hooks.scopesForTopic(topic));
      }
    },
    async resendSnapshots(topics, which) {
      for (const topic of new Set(topics)) {
        const scopes = index.scopesOf(topic);
        if (scopes && scopes.length > 0) {
          await resnapshot(topic, scopes, (member) => !which || which(member.session, topic));
        }
      }
    },
    catchUp: () => pump.schedule(true),
    sweepLocks: () => locks.sweep(),
    pruneLog: () => retention.prune(),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pollTimer);
      stopStatus();
      await unsubscribeHints().catch((error) => onError(error, 'close'));
      await Promise.all([
        pump.close(),
        locks.close(),
        retention.close(),
        notices.close().catch((error) => onError(error, 'close')),
      ]);
    },
  };
}

/**
 * The resume failed (storage down): this member gets no further changes on the channel, since a
 * change after a gap would move its `since` past what it never received. It is told to rejoin.
 */
function failSubscription(index: SubscriptionIndex, subscription: Subscription): void {
  if (!index.isCurrent(subscription)) return;
  subscription.pending = undefined;
  subscription.cursor = Number.POSITIVE_INFINITY;
  const notice: SystemPayload = {
    extension: 'sync',
    status: 'error',
    message: `${errorResponse('STORAGE_UNAVAILABLE').reason} (rejoin the channel to resume)`,
    channel: subscription.topic,
  };
  subscription.push?.(EVENTS.system, notice);
}

/** `derive` that reports a throwing hook and derives nothing, so a bug in it never blocks writes. */
function guardedDerive(
  derive: DeriveRecords | undefined,
  onError: (error: unknown, context: string) => void,
): { derive?: DeriveRecords } {
  if (!derive) return {};
  return {
    derive: (version) => {
      try {
        return derive(version);
      } catch (error) {
        onError(error, `derive records of ${version.c}/${version.id} v${version.v}`);
        return [];
      }
    },
  };
}
