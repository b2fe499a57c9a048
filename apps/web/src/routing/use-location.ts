import { useCallback, useSyncExternalStore } from 'react';

/**
 * A minimal path router over the History API. The app server answers every unknown GET with
 * index.html, so deep links such as /supplier/calendar load directly.
 */
const NAVIGATE_EVENT = 'wedsync:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const readPath = () => window.location.pathname;

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export function useLocation(): [path: string, navigate: typeof navigate] {
  const path = useSyncExternalStore(subscribe, readPath, () => '/');
  const go = useCallback(navigate, []);
  return [path, go];
}
