import type { ErrorCode, LockHolder, LockStatePayload, MutationResult } from '@wedsync/protocol';
import type { ResolvedHooks } from '../records/record-sync-hooks.ts';
import type { SyncSession } from '../records/record-sync-host.ts';

/** The parts of the hooks a lock projection needs. */
export type LockProjectionHooks = Pick<ResolvedHooks, 'audienceKey' | 'projectLockState'>;

type OnError = (error: unknown, context: string) => void;

/**
 * One lock state as `session`'s audience may see it (R14.2, `RecordSyncHooks.projectLockState`):
 * unchanged without the hook; `undefined` when the audience is to hear nothing about it. A throwing
 * hook hides the lock (fail closed) and is reported.
 */
export function projectLock(
  hooks: LockProjectionHooks,
  state: LockStatePayload,
  scope: string,
  session: SyncSession,
  topic: string,
  onError: OnError,
): LockStatePayload | undefined {
  if (!hooks.projectLockState) return state;
  try {
    const projected = hooks.projectLockState({ ...state, scope }, session, topic);
    if (!projected) return undefined;
    const { scope: _scope, ...wire } = projected as LockStatePayload & { scope?: string };
    return wire;
  } catch (error) {
    onError(error, 'lock projection');
    return undefined;
  }
}

/**
 * A per-session payload function for one notice on one topic that projects once per audience key
 * (DESIGN §3: projections are computed once per audience, not once per socket), so every member of
 * an audience gets the same object; `undefined` (nothing sent) where the audience is to hear nothing.
 */
export function lockNoticeFor(
  hooks: LockProjectionHooks,
  state: LockStatePayload,
  scope: string,
  topic: string,
  onError: OnError,
): (session: SyncSession) => LockStatePayload | undefined {
  const byAudience = new Map<string, LockStatePayload | undefined>();
  return (session) => {
    const key = hooks.audienceKey(session, topic);
    if (!byAudience.has(key)) byAudience.set(key, projectLock(hooks, state, scope, session, topic, onError));
    return byAudience.get(key);
  };
}

/** Wording of a refusal whose holder is hidden from the refused audience. */
const SOMEONE = 'Someone else';

/**
 * A FIELD_LOCKED / RECORD_LOCKED refusal as the refused session's audience may see it: `details.holder`
 * (and the holder's name that leads the message) projected, or removed when the lock is hidden.
 * `message` must start with the stored holder's name when it names them (as the storage refusals do).
 */
export function projectLockRefusal(
  hooks: LockProjectionHooks,
  refusal: { message: string; details: Record<string, unknown> },
  lock: { scope: string; c: string; id: string },
  session: SyncSession,
  topic: string,
  onError: OnError,
): { message: string; details: Record<string, unknown> } {
  const holder = refusal.details.holder as LockHolder | null | undefined;
  if (!hooks.projectLockState || !holder) return refusal;
  const { holder: _holder, expiresAt, f, ...rest } = refusal.details;
  const state: LockStatePayload = { c: lock.c, id: lock.id, holder };
  if (typeof f === 'number') state.f = f;
  if (typeof expiresAt === 'string') state.expiresAt = expiresAt;
  const projected = projectLock(hooks, state, lock.scope, session, topic, onError);
  const renamed = (name: string) =>
    refusal.message.startsWith(holder.name) ? `${name}${refusal.message.slice(holder.name.length)}` : refusal.message;
  if (!projected?.holder) {
    return { message: renamed(SOMEONE), details: { ...rest, ...(typeof f === 'number' ? { f } : {}) } };
  }
  const details: Record<string, unknown> = { ...rest, holder: projected.holder };
  if (projected.expiresAt !== undefined) details.expiresAt = projected.expiresAt;
  if (projected.f !== undefined) details.f = projected.f;
  return { message: renamed(projected.holder.name), details };
}

const LOCKED_CODES: ReadonlySet<string> = new Set<ErrorCode>(['FIELD_LOCKED', 'RECORD_LOCKED']);

export function isLockRefusal(code: string): code is 'FIELD_LOCKED' | 'RECORD_LOCKED' {
  return LOCKED_CODES.has(code);
}

/** A write's result with its lock refusal (if any) projected for the writer's audience. */
export function projectMutationResult(
  hooks: LockProjectionHooks,
  result: MutationResult,
  lock: { scope: string; c: string; id: string },
  session: SyncSession,
  topic: string,
  onError: OnError,
): MutationResult {
  if (result.status !== 'rejected' || !isLockRefusal(result.code) || !result.details) return result;
  const { message, details } = projectLockRefusal(
    hooks,
    { message: result.message, details: result.details },
    lock,
    session,
    topic,
    onError,
  );
  return { ...result, message, details };
}
