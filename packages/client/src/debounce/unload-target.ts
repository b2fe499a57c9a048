import type { VisibilityLike } from '../device/device-sync.ts';

/**
 * Something that announces the page is going away (a `window`): pending values are flushed on
 * `pagehide` and `beforeunload` so nothing typed is lost on close (R12.1, R11.1).
 */
export interface UnloadTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

const UNLOAD_EVENTS = ['pagehide', 'beforeunload'] as const;

/** Calls `onUnload` when the target unloads; returns the function that removes the listeners. */
export function onUnload(target: UnloadTarget | undefined, onUnload: () => void): () => void {
  if (!target) return () => {};
  const listener = () => onUnload();
  for (const type of UNLOAD_EVENTS) target.addEventListener(type, listener);
  return () => {
    for (const type of UNLOAD_EVENTS) target.removeEventListener(type, listener);
  };
}

/**
 * Calls `onHide` when the page unloads (`pagehide`, `beforeunload` on `target`) or is hidden
 * (`visibilitychange` to `hidden` on `visibility`, a `document`). A hidden page may be frozen or
 * discarded without any unload event — on mobile that is the last moment the page surely runs — so
 * whatever must survive a reload is handed to durable storage then (R11.1, R12.1). Returns the
 * function that removes every listener.
 */
export function onPageHide(
  target: UnloadTarget | null | undefined,
  visibility: VisibilityLike | null | undefined,
  onHide: () => void,
): () => void {
  const removeUnload = onUnload(target ?? undefined, onHide);
  if (!visibility) return removeUnload;
  const onVisibility = () => {
    if (visibility.visibilityState === 'hidden') onHide();
  };
  visibility.addEventListener('visibilitychange', onVisibility);
  return () => {
    removeUnload();
    visibility.removeEventListener('visibilitychange', onVisibility);
  };
}
