import { EVENTS, errorResponse, type LockRequest, lockRequestSchema } from '@wedsync/protocol';
import { actorOf } from '../records/client-identity.ts';
import { describeIssues } from '../records/mutate-handler.ts';
import type { ResolvedHooks } from '../records/record-sync-hooks.ts';
import type { SyncEventContext, SyncSession } from '../records/record-sync-host.ts';
import type { LockRow, Storage } from '../storage/storage.ts';
import { type LockNotices, lockStateOf } from './lock-notices.ts';
import { projectLock, projectLockRefusal } from './lock-projection.ts';
import { ScopeLockCache } from './scope-lock-cache.ts';

export interface RecordLocksOptions {
  storage: Storage;
  hooks: ResolvedHooks;
  notices: LockNotices;
  /** Lock lifetime without renewal; default 30 000 (R4.1). */
  lockTtlMs: number;
  /** How often expired locks are swept and announced free. */
  lockSweepIntervalMs: number;
  nowMs: () => number;
  /** The scopes a channel carries (resolved at join). */
  scopesOf: (topic: string) => Promise<readonly string[]>;
  onError: (error: unknown, context: string) => void;
  /** Locks the sweep deleted as expired (audit, R14.1). */
  onExpired?: (rows: readonly LockRow[]) => void;
}

interface HeldLock {
  topic: string;
  scope: string;
  c: string;
  id: string;
  f?: number;
}

const lockKey = (c: string, id: string, f: number | undefined) => `${c}\u0000${id}\u0000${f ?? ''}`;

/**
 * Field and record locks over the wire (R4.1, R10.2). Storage keeps them (rows with an expiry, checked
 * inside every write transaction, so every node enforces them); this class answers `lock` requests,
 * announces `lock_state` to the channels of the lock's scope on every node, frees a session's locks
 * when it leaves the channel it locked through or disconnects, and sweeps expired locks with one timer.
 */
export class RecordLocks {
  private readonly held = new Map<string, Map<string, HeldLock>>();
  /**
   * Sessions that asked storage for a lock (acquire or renew) since they connected: only they can hold
   * one (locks are held under the session's id, which is this node's), so only their disconnect asks
   * storage to free locks (issue 9: not one write per client in a reconnect storm). Marked before the
   * request, so a lock taken whose reply was lost is still freed.
   */
  private readonly lockingSessions = new Set<string>();
  /** Live locks per scope for joining members, one read shared by the members of a room (issue 9). */
  private readonly scopeLocks: ScopeLockCache;
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: RecordLocksOptions) {
    this.scopeLocks = new ScopeLockCache({
      read: (scope) => options.storage.locksIn(scope, options.nowMs()),
      nowMs: options.nowMs,
    });
    this.sweepTimer = setInterval(() => void this.sweep(), options.lockSweepIntervalMs);
    this.sweepTimer.unref();
  }

  async handle(ctx: SyncEventContext): Promise<void> {
    const parsed = lockRequestSchema.safeParse(ctx.payload);
    if (!parsed.success) return ctx.reply('error', errorResponse('VALIDATION_FAILED', describeIssues(parsed.error)));
    const request = parsed.data;
    try {
      const scope = await this.scopeOf(ctx, request);
      if (scope === undefined)
        return ctx.reply(
          'error',
          errorResponse('RECORD_NOT_FOUND', `No record ${request.c}/${request.id} on this channel`),
        );
      if (request.action === 'acquire') return await this.acquire(ctx, request, scope);
      if (request.action === 'renew') return await this.renew(ctx, request, scope);
      return await this.release(ctx, request, scope);
    } catch (error) {
      this.options.onError(error, `lock ${request.action}`);
      ctx.reply('error', errorResponse('STORAGE_UNAVAILABLE'));
    }
  }

  /** The lock's scope: the record's scope (if it is on this channel), else the channel's write scope. */
  private async scopeOf(ctx: SyncEventContext, request: LockRequest): Promise<string | undefined> {
    const known = this.held.get(ctx.session.id)?.get(lockKey(request.c, request.id, request.f));
    if (known) return known.scope;
    const record = await this.options.storage.getRecord(request.c, request.id);
    if (!record) return this.options.hooks.scopeForTopic(ctx.topic, ctx.session);
    const scopes = await this.options.scopesOf(ctx.topic);
    return scopes.includes(record.scope) ? record.scope : undefined;
  }

  /** The lock is held under the session's write actor (`actorForWrite`), so it never blocks that actor's writes. */
  private async input(ctx: SyncEventContext, request: LockRequest, scope: string) {
    return {
      scope,
      c: request.c,
      id: request.id,
      f: request.f,
      holder: await this.options.hooks.actorForWrite({ session: ctx.session, topic: ctx.topic, scope }),
      ttlMs: this.options.lockTtlMs,
      nowMs: this.options.nowMs(),
    };
  }

  private async acquire(ctx: SyncEventContext, request: LockRequest, scope: string): Promise<void> {
    const denial = await this.options.hooks.authorizeLock({ session: ctx.session, topic: ctx.topic, scope, request });
    if (denial) return ctx.reply('error', errorResponse(denial.code, denial.message));
    const input = await this.input(ctx, request, scope);
    this.lockingSessions.add(ctx.session.id);
    const result = await this.options.storage.acquireLock(input);
    if (!result.ok) return this.refuse(ctx, result.code, result.lock);
    this.track(ctx.session.id, { topic: ctx.topic, scope, c: request.c, id: request.id, f: request.f });
    this.options.notices.announce(result.lock, false);
    ctx.reply('ok', this.ownState(ctx, result.lock));
  }

  /** The requester's own lock as its audience sees it (R14.2); its own raw label if the projection hides it. */
  private ownState(ctx: SyncEventContext, lock: LockRow) {
    const state = lockStateOf(lock);
    const { hooks, onError } = this.options;
    return projectLock(hooks, state, lock.scope, ctx.session, ctx.topic, onError) ?? state;
  }

  /** FIELD_LOCKED / RECORD_LOCKED naming the holder as the requester's audience may see them (R4.1, R14.2). */
  private refuse(ctx: SyncEventContext, code: 'FIELD_LOCKED' | 'RECORD_LOCKED', lock: LockRow): void {
    const { expiresAt, holder, f } = lockStateOf(lock);
    const refusal = projectLockRefusal(
      this.options.hooks,
      {
        message: `${lock.holder.name} is editing this`,
        details: { holder, expiresAt, ...(f === undefined ? {} : { f }) },
      },
      lock,
      ctx.session,
      ctx.topic,
      this.options.onError,
    );
    ctx.reply('error', errorResponse(code, refusal.message, { c: lock.c, id: lock.id, ...refusal.details }));
  }

  private async renew(ctx: SyncEventContext, request: LockRequest, scope: string): Promise<void> {
    const input = await this.input(ctx, request, scope);
    this.lockingSessions.add(ctx.session.id);
    const result = await this.options.storage.renewLock(input);
    if (!result.ok) {
      if (result.code === 'LOCK_NOT_HELD') return ctx.reply('error', errorResponse('LOCK_NOT_HELD'));
      return this.refuse(ctx, result.code, result.lock);
    }
    ctx.reply('ok', this.ownState(ctx, result.lock));
  }

  private async release(ctx: SyncEventContext, request: LockRequest, scope: string): Promise<void> {
    const { ttlMs: _ttl, ...input } = await this.input(ctx, request, scope);
    const released = await this.options.storage.releaseLock(input);
    this.untrack(ctx.session.id, lockKey(request.c, request.id, request.f));
    if (released) this.options.notices.announce(this.rowOf(ctx.session, scope, request), true);
    ctx.reply('ok', { released });
  }

  private rowOf(session: SyncSession, scope: string, lock: { c: string; id: string; f?: number }): LockRow {
    const row: LockRow = {
      scope,
      c: lock.c,
      id: lock.id,
      holder: { userId: session.user.id, name: session.user.name },
      expiresAtMs: 0,
    };
    if (lock.f !== undefined) row.f = lock.f;
    return row;
  }

  /** Frees the locks a session took through `topic` (it left that channel). */
  async releaseForLeave(session: SyncSession, topic: string): Promise<void> {
    const locks = this.held.get(session.id);
    if (!locks) return;
    for (const [key, lock] of [...locks]) {
      if (lock.topic !== topic) continue;
      locks.delete(key);
      try {
        const released = await this.options.storage.releaseLock({
          scope: lock.scope,
          c: lock.c,
          id: lock.id,
          f: lock.f,
          holder: actorOf(session),
          nowMs: this.options.nowMs(),
        });
        if (released) this.options.notices.announce(this.rowOf(session, lock.scope, lock), true);
      } catch (error) {
        this.options.onError(error, 'lock release on leave');
      }
    }
    if (locks.size === 0) this.held.delete(session.id);
  }

  /** Frees every lock of a disconnected session (nothing to do for one that never asked for a lock). */
  async releaseForDisconnect(session: SyncSession): Promise<void> {
    this.held.delete(session.id);
    if (!this.lockingSessions.delete(session.id)) return;
    try {
      const rows = await this.options.storage.releaseLocksOfSession(session.id);
      for (const row of rows) this.options.notices.announce(row, true);
    } catch (error) {
      this.options.onError(error, 'lock release on disconnect');
    }
  }

  /**
   * Pushes the live locks of the channel's scopes to a member that just joined (it already gets lock
   * notices), as its audience sees them; the reads are shared as `ScopeLockCache` says.
   */
  async pushCurrent(
    topic: string,
    session: SyncSession,
    push: (event: string, payload: unknown) => void,
  ): Promise<void> {
    const scopes = await this.options.scopesOf(topic);
    const { hooks, onError } = this.options;
    for (const scope of scopes) {
      for (const row of await this.scopeLocks.get(scope)) {
        const state = projectLock(hooks, lockStateOf(row), scope, session, topic, onError);
        if (state) push(EVENTS.lockState, state);
      }
    }
  }

  /** A lock notice of `scope` reached this node (`LockNoticesOptions.onNotice`). */
  noteNotice(scope: string): void {
    this.scopeLocks.noteChange(scope);
  }

  /** The bus went down or came back (lock notices may have been lost). */
  noteBusChange(): void {
    this.scopeLocks.noteBusChange();
  }

  /** Deletes expired locks and announces them free; runs on the sweep timer, and on demand in tests. */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        const rows = await this.options.storage.expireLocks(this.options.nowMs());
        if (rows.length > 0) this.options.onExpired?.(rows);
        for (const row of rows) {
          if (row.holder.sessionId) this.untrack(row.holder.sessionId, lockKey(row.c, row.id, row.f));
          this.options.notices.announce(row, true);
        }
      } catch (error) {
        this.options.onError(error, 'lock sweep');
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  private track(sessionId: string, lock: HeldLock): void {
    let locks = this.held.get(sessionId);
    if (!locks) {
      locks = new Map();
      this.held.set(sessionId, locks);
    }
    locks.set(lockKey(lock.c, lock.id, lock.f), lock);
  }

  private untrack(sessionId: string, key: string): void {
    const locks = this.held.get(sessionId);
    locks?.delete(key);
    if (locks?.size === 0) this.held.delete(sessionId);
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.sweeping;
  }
}
