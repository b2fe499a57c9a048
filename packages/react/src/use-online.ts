import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  if (typeof window === 'undefined') return () => {};
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

const read = () => (typeof navigator === 'undefined' ? true : navigator.onLine);

/** The browser's own online/offline flag (R11.1: loss noticed at once, before any heartbeat). */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, read, () => true);
}
