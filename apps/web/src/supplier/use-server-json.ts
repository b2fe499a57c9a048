import { useConnectionStatus, useRecordStore } from '@wedsync/react';
import { useEffect, useRef, useState } from 'react';

export interface ServerJson<T> {
  data: T | null;
  error: string | null;
}

export interface ServerJsonOptions {
  token: string;
  /** Collections whose changes (arriving in the record store) make the answer stale. */
  refreshOn: readonly string[];
  /** Waits this long after the last relevant change before refetching; default 300 ms (one request per burst). */
  debounceMs?: number;
}

/**
 * A GET of the app server's HTTP API (behind the bearer token) kept current without polling: fetched
 * once, then again after each burst of relevant record changes and after every reconnect. Used for
 * figures only the server can compute (R6.2 metrics, R7.1 statuses, R6.1 text per audience).
 */
export function useServerJson<T>(path: string | null, options: ServerJsonOptions): ServerJson<T> {
  const store = useRecordStore();
  const status = useConnectionStatus();
  const [state, setState] = useState<ServerJson<T>>({ data: null, error: null });
  const [generation, setGeneration] = useState(0);
  const refreshOn = options.refreshOn.join(',');
  const debounceMs = options.debounceMs ?? 300;
  const connected = status.state === 'connected';

  useEffect(() => {
    const collections = new Set(refreshOn.split(','));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = store.subscribe((changes) => {
      if (!changes.some((change) => collections.has(change.c))) return;
      clearTimeout(timer);
      timer = setTimeout(() => setGeneration((value) => value + 1), debounceMs);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [store, refreshOn, debounceMs]);

  const latestPath = useRef(path);
  latestPath.current = path;
  useEffect(() => {
    if (!path || !connected || generation < 0) return;
    const abort = new AbortController();
    fetch(path, { headers: { authorization: `Bearer ${options.token}` }, signal: abort.signal })
      .then(async (response) => {
        const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
        if (!response.ok) throw new Error(body?.error?.code ?? `HTTP ${response.status}`);
        if (latestPath.current === path) setState({ data: body as T, error: null });
      })
      .catch((error: Error) => {
        if (!abort.signal.aborted) setState((current) => ({ ...current, error: error.message }));
      });
    return () => abort.abort();
  }, [path, options.token, connected, generation]);

  return state;
}
