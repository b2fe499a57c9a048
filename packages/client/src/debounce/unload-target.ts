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
