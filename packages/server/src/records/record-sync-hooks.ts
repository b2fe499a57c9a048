import type { Change, LockRequest, LockStatePayload, Mutation, RecordSnapshot } from '@wedsync/protocol';
import type { Actor, StoredChange, StoredRecord } from '../storage/storage.ts';
import { actorOf, checkWriteActor, wireClientId } from './client-identity.ts';
import type { SyncSession } from './record-sync-host.ts';

/** A refusal from an authorisation hook; becomes a `rejected` result or an error reply. */
export interface Denial {
  code: 'FORBIDDEN' | 'READ_ONLY';
  message?: string;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * How an application maps its data onto the generic engine (DESIGN §3). Every hook is optional; the
 * defaults make a topic its own scope, allow every write of a member, and send every change unchanged.
 *
 * Projection hooks are synchronous on purpose: they run while a frame is being built, once per
 * audience key, and must use rights the application already holds in memory (refreshed when rights
 * change), so that a revoked share also hides the past (R14.2).
 */
export interface RecordSyncHooks {
  /** The log scopes whose changes the channel carries (its live changes, replay and snapshot). Default `[topic]`. */
  scopesForTopic?(topic: string): MaybePromise<readonly string[]>;
  /** The scope that new records written through this channel belong to. Default: the first of `scopesForTopic`. */
  scopeForTopic?(topic: string, session: SyncSession): MaybePromise<string>;
  /** Per-mutation write rights (R14.1, R14.2): return a denial to reject just that mutation. */
  authorizeMutation?(ctx: {
    session: SyncSession;
    topic: string;
    scope: string;
    mutation: Mutation;
  }): MaybePromise<Denial | undefined>;
  /** Lock rights. Default: allowed where a write of that field would be allowed (via `authorizeMutation`). */
  authorizeLock?(ctx: {
    session: SyncSession;
    topic: string;
    scope: string;
    request: LockRequest;
  }): MaybePromise<Denial | undefined>;
  /** Rollback rights. Default: allowed where a write of every field of the record would be allowed. */
  authorizeRollback?(ctx: {
    session: SyncSession;
    topic: string;
    scope: string;
    c: string;
    id: string;
    to: number;
  }): MaybePromise<Denial | undefined>;
  /**
   * Sessions with equal keys on a topic see identical projections, so a frame is built and serialised
   * once per key. Default: one audience per topic without `projectChange`, else one per user id.
   */
  audienceKey?(session: SyncSession, topic: string): string;
  /** The change as this audience may see it (fields removed, actor anonymised), or `undefined` to hide it. */
  projectChange?(change: Change & { scope: string }, session: SyncSession, topic: string): Change | undefined;
  /** The record as this audience may see it in snapshots and history, or `undefined` to hide it. */
  projectRecord?(
    record: RecordSnapshot & { scope: string },
    session: SyncSession,
    topic: string,
  ): RecordSnapshot | undefined;
  /**
   * A lock as this audience may see it (R4.1, R14.2): each `lock_state` notice (announced live or pushed
   * at join), the lock in a lock reply, and the holder named by a FIELD_LOCKED / RECORD_LOCKED refusal
   * (of a lock request, a write or a rollback). Return the state with `holder` relabelled (e.g. a tagged
   * `anon:{userId}` actor shown to some audiences as "A team member" with an opaque id), or `undefined`
   * to tell this audience nothing about the lock (a refusal then names no holder). `lock.scope` is the
   * lock's log scope; `holder` is `null` in a notice that the lock is free. Synchronous, and called once
   * per audience key per notice (like `projectChange`); a throw counts as `undefined`. Default: unchanged.
   */
  projectLockState?(
    lock: LockStatePayload & { scope: string },
    session: SyncSession,
    topic: string,
  ): LockStatePayload | undefined;
  /**
   * Who a client's write is recorded as (R14.2 anonymous edits): the `Actor` of its `sync_mutate` batch
   * (one actor per batch), `rollback` and `lock` (a lock is held under the same actor, so that one's own
   * lock never blocks one's own writes). `userId` becomes the change's `by` and must be the session's
   * user id, or that id tagged as `{tag}:{userId}` (e.g. `anon:u-bob`); anything else is refused with
   * SERVER_ERROR. Replay protection stays keyed by the session's user, so switching the label never
   * lets a queued mutation apply twice, and the writer still recognises its own changes (`cid`).
   * `name` is what lock notices show. `sessionId` is always the session's. Default: the session's user.
   */
  actorForWrite?(ctx: { session: SyncSession; topic: string; scope: string }): MaybePromise<Actor>;
  /**
   * Awaited before the engine projects committed changes: each batch of live changes (also those a
   * commit hands over without a log read), each replay chunk (`changes` = the chunk), and each snapshot
   * (`changes` empty). Resolve once the rights and sharing the projection hooks read reflect every
   * change up to `upToSeq` (e.g. catch the application's read model up to it), so a change committed
   * right after a revocation or sharing change is projected with the new rights (DESIGN §3).
   * Delivery on this node waits meanwhile; a rejection holds the batch back (retried at the next
   * hint or poll) and fails a replay or snapshot like a storage error. Default: nothing to wait for.
   */
  beforeDeliver?(changes: readonly StoredChange[], upToSeq: number): Promise<void>;
}

/** Hooks with every default filled in. */
export interface ResolvedHooks {
  scopesForTopic(topic: string): Promise<readonly string[]>;
  scopeForTopic(topic: string, session: SyncSession): Promise<string>;
  authorizeMutation(ctx: {
    session: SyncSession;
    topic: string;
    scope: string;
    mutation: Mutation;
  }): Promise<Denial | undefined>;
  authorizeLock(ctx: {
    session: SyncSession;
    topic: string;
    scope: string;
    request: LockRequest;
  }): Promise<Denial | undefined>;
  authorizeRollback(ctx: {
    session: SyncSession;
    topic: string;
    scope: string;
    c: string;
    id: string;
    to: number;
    fieldIds: readonly number[];
  }): Promise<Denial | undefined>;
  audienceKey(session: SyncSession, topic: string): string;
  projectChange(change: StoredChange, session: SyncSession, topic: string): Change | undefined;
  projectRecord(record: StoredRecord, session: SyncSession, topic: string): RecordSnapshot | undefined;
  /** The application's lock projection; `undefined` when locks go out unchanged (see `locks/lock-projection.ts`). */
  projectLockState: RecordSyncHooks['projectLockState'];
  /** The checked actor of a write (see `RecordSyncHooks.actorForWrite`); throws on an invalid one. */
  actorForWrite(ctx: { session: SyncSession; topic: string; scope: string }): Promise<Actor>;
  beforeDeliver: ((changes: readonly StoredChange[], upToSeq: number) => Promise<void>) | undefined;
}

/** The wire form of a stored change: the log's `scope` does not travel. */
export function wireChange(change: StoredChange): Change {
  const { scope: _scope, ...wire } = change;
  if (wire.cid !== undefined) wire.cid = wireClientId(wire.cid, wire.by);
  return wire;
}

/** The wire form of a record: only `c`, `id`, `v`, `fields` and `del` travel. */
export function wireRecord(record: RecordSnapshot): RecordSnapshot {
  const snapshot: RecordSnapshot = { c: record.c, id: record.id, v: record.v, fields: record.fields };
  if (record.del) snapshot.del = true;
  return snapshot;
}

export function resolveHooks(hooks: RecordSyncHooks = {}): ResolvedHooks {
  const scopesForTopic = async (topic: string) => (hooks.scopesForTopic ? await hooks.scopesForTopic(topic) : [topic]);
  const authorizeMutation: ResolvedHooks['authorizeMutation'] = async (ctx) => hooks.authorizeMutation?.(ctx);
  const projectChange = hooks.projectChange;
  const projectRecord = hooks.projectRecord;
  const projectLockState = hooks.projectLockState?.bind(hooks);
  return {
    scopesForTopic,
    async scopeForTopic(topic, session) {
      if (hooks.scopeForTopic) return hooks.scopeForTopic(topic, session);
      const scopes = await scopesForTopic(topic);
      return scopes[0] ?? topic;
    },
    authorizeMutation,
    async authorizeLock(ctx) {
      if (hooks.authorizeLock) return hooks.authorizeLock(ctx);
      const { request } = ctx;
      const ops = request.f === undefined ? [] : [{ k: 'set' as const, f: request.f, v: null }];
      return authorizeMutation({ ...ctx, mutation: { mid: 1, c: request.c, id: request.id, base: 0, ops } });
    },
    async authorizeRollback(ctx) {
      const { fieldIds, ...rest } = ctx;
      if (hooks.authorizeRollback) return hooks.authorizeRollback(rest);
      const ops = fieldIds.map((f) => ({ k: 'set' as const, f, v: null }));
      return authorizeMutation({ ...ctx, mutation: { mid: 1, c: ctx.c, id: ctx.id, base: 0, ops } });
    },
    audienceKey:
      hooks.audienceKey ??
      (projectChange || projectRecord || projectLockState
        ? (session: SyncSession) => `u:${session.user.id}`
        : () => '*'),
    projectChange: projectChange
      ? (change, session, topic) => {
          const projected = projectChange(wireChangeWithScope(change), session, topic);
          return projected && stripScope(projected);
        }
      : (change) => wireChange(change),
    projectRecord: projectRecord
      ? (record, session, topic) => {
          const projected = projectRecord(record, session, topic);
          return projected && wireRecord(projected);
        }
      : (record) => wireRecord(record),
    projectLockState,
    async actorForWrite(ctx) {
      const actor = await hooks.actorForWrite?.(ctx);
      return actor ? checkWriteActor(actor, ctx.session) : actorOf(ctx.session);
    },
    beforeDeliver: hooks.beforeDeliver?.bind(hooks),
  };
}

function wireChangeWithScope(change: StoredChange): StoredChange {
  return { ...wireChange(change), scope: change.scope };
}

function stripScope(change: Change | undefined): Change | undefined {
  if (!change || !('scope' in change)) return change;
  const { scope: _scope, ...wire } = change as Change & { scope?: string };
  return wire;
}
