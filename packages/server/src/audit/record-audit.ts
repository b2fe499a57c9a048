import { type AuditEventKind, type Conflict, type MutationResult, parseErrorReason } from '@wedsync/protocol';
import type { SyncEventContext } from '../records/record-sync-host.ts';
import type { LockRow } from '../storage/storage.ts';
import type { AuditEvent, AuditSink } from './audit-sink.ts';

/** Open conflicts remembered to recognise their resolution; the oldest are forgotten beyond this. */
const MAX_OPEN_CONFLICTS = 10_000;

interface Who {
  actor: string;
  sessionId?: string;
  topic?: string;
  scope?: string;
}

interface RawMutation {
  c?: unknown;
  id?: unknown;
  mid?: unknown;
  ops?: Array<{ f?: unknown }>;
}

/**
 * R14.1 audit of record sync: mutation applied / refused (code), conflict raised / resolved, lock
 * taken / refused / expired, rollback. It observes the replies the handlers send (so the handlers stay
 * as they are): `mutate`, `lock` and `rollback` return the context to hand the handler, with `reply`
 * observed. A conflict counts as resolved when the same user next writes that field of that record.
 * Without a sink every method hands back its input untouched.
 */
export class RecordAudit {
  private readonly openConflicts = new Map<string, number>();
  /** Applied changes come from the change log (AuditSink.appliedChangesFromLog), not from here. */
  private readonly emitsApplied: boolean;

  constructor(
    private readonly sink: AuditSink | undefined,
    private readonly nodeId: string,
    private readonly nowMs: () => number,
  ) {
    this.emitsApplied = sink?.appliedChangesFromLog !== true;
  }

  mutate(ctx: SyncEventContext): SyncEventContext {
    if (!this.sink) return ctx;
    return observeReply(ctx, (status, response) => {
      const who = whoOf(ctx);
      const raw = ((ctx.payload as { mutations?: unknown } | null)?.mutations ?? []) as RawMutation[];
      if (status === 'error') {
        const { code } = parseErrorReason(response);
        this.emit('mutation_refused', who, { code, details: { mutations: Array.isArray(raw) ? raw.length : 0 } });
        return;
      }
      const results = (response as { results?: MutationResult[] } | null)?.results ?? [];
      for (const [index, result] of results.entries()) this.mutationResult(who, raw[index], result);
    });
  }

  lock(ctx: SyncEventContext): SyncEventContext {
    if (!this.sink) return ctx;
    const request = (ctx.payload ?? {}) as { action?: unknown; c?: unknown; id?: unknown; f?: unknown };
    if (request.action !== 'acquire' && request.action !== 'renew') return ctx;
    return observeReply(ctx, (status, response) => {
      const target = recordOf(request);
      const details = { action: request.action, ...(typeof request.f === 'number' ? { f: request.f } : {}) };
      if (status === 'ok' && request.action === 'acquire') this.emit('lock_taken', whoOf(ctx), { ...target, details });
      if (status === 'error') {
        const { code, details: refusal } = parseErrorReason(response);
        const holder = (refusal.holder as { userId?: unknown } | undefined)?.userId;
        this.emit('lock_refused', whoOf(ctx), { ...target, code, details: { ...details, holder } });
      }
    });
  }

  rollback(ctx: SyncEventContext): SyncEventContext {
    if (!this.sink) return ctx;
    const request = (ctx.payload ?? {}) as { c?: unknown; id?: unknown; to?: unknown };
    return observeReply(ctx, (status, response) => {
      const target = recordOf(request);
      if (status === 'ok') {
        if (!this.emitsApplied) return;
        const { v, seq } = (response ?? {}) as { v?: number; seq?: number };
        this.emit('rollback', whoOf(ctx), { ...target, details: { to: request.to, v, seq } });
      } else {
        const { code } = parseErrorReason(response);
        this.emit('mutation_refused', whoOf(ctx), { ...target, code, details: { rollbackTo: request.to } });
      }
    });
  }

  /** Locks the sweep found expired (R4.1 timeout); the holder is the actor. */
  locksExpired(rows: readonly LockRow[]): void {
    if (!this.sink) return;
    for (const row of rows) {
      this.emit(
        'lock_expired',
        { actor: row.holder.userId, sessionId: row.holder.sessionId, scope: row.scope },
        { c: row.c, recordId: row.id, details: row.f === undefined ? undefined : { f: row.f } },
      );
    }
  }

  /** A server-side write (`RecordSync.commit`): applied and conflicting mutations, under the request's actor. */
  serverCommit(
    request: { actor: { userId: string }; scope: string; mutations: readonly RawMutation[] },
    results: readonly MutationResult[],
  ): void {
    if (!this.sink) return;
    const who: Who = { actor: request.actor.userId, scope: request.scope };
    for (const [index, result] of results.entries()) this.mutationResult(who, request.mutations[index], result);
  }

  private mutationResult(who: Who, mutation: RawMutation | undefined, result: MutationResult | undefined): void {
    if (!result || result.status === 'duplicate') return;
    const target = recordOf(mutation ?? {});
    const mid = result.mid;
    if (result.status === 'rejected') {
      this.emit('mutation_refused', who, { ...target, code: result.code, details: { mid } });
      return;
    }
    if (result.status === 'applied') {
      if (this.emitsApplied) {
        this.emit('mutation_applied', who, { ...target, details: { mid, v: result.v, seq: result.seq } });
      }
      this.resolveConflicts(who, target, mutation);
    }
    for (const conflict of result.conflicts ?? []) this.raiseConflict(who, target, mid, conflict);
  }

  private raiseConflict(who: Who, target: { c?: string; recordId?: string }, mid: number, conflict: Conflict): void {
    const key = conflictKey(who.actor, target.c, target.recordId, conflict.f);
    this.openConflicts.delete(key);
    this.openConflicts.set(key, this.nowMs());
    if (this.openConflicts.size > MAX_OPEN_CONFLICTS) {
      const oldest = this.openConflicts.keys().next().value;
      if (oldest !== undefined) this.openConflicts.delete(oldest);
    }
    this.emit('conflict_raised', who, {
      ...target,
      details: { mid, f: conflict.f, theirsV: conflict.v, theirsBy: conflict.by },
    });
  }

  private resolveConflicts(who: Who, target: { c?: string; recordId?: string }, mutation: RawMutation | undefined) {
    if (this.openConflicts.size === 0 || !Array.isArray(mutation?.ops)) return;
    for (const op of mutation.ops) {
      if (typeof op?.f !== 'number') continue;
      const key = conflictKey(who.actor, target.c, target.recordId, op.f);
      const raisedAtMs = this.openConflicts.get(key);
      if (raisedAtMs === undefined) continue;
      this.openConflicts.delete(key);
      this.emit('conflict_resolved', who, { ...target, details: { f: op.f, openMs: this.nowMs() - raisedAtMs } });
    }
  }

  private emit(kind: AuditEventKind, who: Who, extra: Partial<AuditEvent>): void {
    const event: AuditEvent = { kind, atMs: this.nowMs(), actor: who.actor, node: this.nodeId, ...extra };
    if (who.sessionId !== undefined) event.sessionId = who.sessionId;
    if (who.topic !== undefined) event.topic = who.topic;
    if (who.scope !== undefined) event.scope = who.scope;
    if (event.details === undefined) delete event.details;
    try {
      this.sink?.record(event);
    } catch {
      // A sink must not throw (AuditSink contract).
    }
  }
}

function whoOf(ctx: SyncEventContext): Who {
  return { actor: ctx.session.user.id, sessionId: ctx.session.id, topic: ctx.topic };
}

function recordOf(request: { c?: unknown; id?: unknown }): { c?: string; recordId?: string } {
  const target: { c?: string; recordId?: string } = {};
  if (typeof request.c === 'string') target.c = request.c;
  if (typeof request.id === 'string') target.recordId = request.id;
  return target;
}

function conflictKey(actor: string, c: string | undefined, id: string | undefined, f: number): string {
  return `${actor}\u0000${c ?? ''}\u0000${id ?? ''}\u0000${f}`;
}

/** The same context with `reply` observed after it was sent (only the first reply counts, as in the engine). */
function observeReply(
  ctx: SyncEventContext,
  observer: (status: 'ok' | 'error', response: unknown) => void,
): SyncEventContext {
  let seen = false;
  return {
    ...ctx,
    reply(status, response) {
      ctx.reply(status, response);
      if (seen) return;
      seen = true;
      try {
        observer(status, response);
      } catch {
        // Auditing never breaks a reply.
      }
    },
  };
}
