import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { LockInfo, LockTarget, LockTracker } from './lock-tracker.ts';

/** Renew a held lock at most this often while the user types; the server's lock lives 30 s. */
export const LOCK_RENEW_INTERVAL_MS = 10_000;

export interface FieldLock {
  /** Someone else's lock on the field (another person, or me in another tab), or null. */
  lockedBy: LockInfo | null;
  /** This tab holds the lock. */
  held: boolean;
  /** Focus: take the lock (R4.1). */
  onFocus: () => void;
  /** Typing: keep the lock alive (throttled to one renew per 10 s). */
  onInput: () => void;
  /** Blur or save: release. */
  onBlur: () => void;
}

/**
 * The R4.1 lock of one field for one input: taken on focus, renewed while typing, released on blur
 * and on unmount. Re-renders when the field's lock changes hands.
 */
export function useFieldLock(tracker: LockTracker | null, target: LockTarget | null): FieldLock {
  const c = target?.c;
  const id = target?.id;
  const f = target?.f;
  const lastRenewMs = useRef(0);
  const subscribe = useCallback((onChange: () => void) => tracker?.subscribe(onChange) ?? (() => {}), [tracker]);
  const version = useSyncExternalStore(
    subscribe,
    () => tracker?.version ?? 0,
    () => 0,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` changes whenever any lock changes hands.
  const info = useMemo(
    () =>
      tracker && c !== undefined && id !== undefined ? tracker.info(f === undefined ? { c, id } : { c, id, f }) : null,
    [tracker, c, id, f, version],
  );
  const currentTarget = useCallback(
    (): LockTarget | null =>
      c !== undefined && id !== undefined ? (f === undefined ? { c, id } : { c, id, f }) : null,
    [c, id, f],
  );

  useEffect(
    () => () => {
      const lockTarget = currentTarget();
      if (tracker && lockTarget) void tracker.release(lockTarget);
    },
    [tracker, currentTarget],
  );

  return {
    lockedBy: info && !info.mine ? info : null,
    held: info?.mine ?? false,
    onFocus: () => {
      const lockTarget = currentTarget();
      if (!tracker || !lockTarget) return;
      lastRenewMs.current = Date.now();
      void tracker.acquire(lockTarget);
    },
    onInput: () => {
      const lockTarget = currentTarget();
      if (!tracker || !lockTarget || Date.now() - lastRenewMs.current < LOCK_RENEW_INTERVAL_MS) return;
      lastRenewMs.current = Date.now();
      void tracker.renew(lockTarget);
    },
    onBlur: () => {
      const lockTarget = currentTarget();
      if (tracker && lockTarget) void tracker.release(lockTarget);
    },
  };
}
