import { useEffect, useState } from 'react';
import type { SearchHit } from './search-hit.ts';

export interface LiveSearch {
  hits: SearchHit[];
  /** `idle` (no query), `searching` (first answer pending), `live` (watching for changes), `error`. */
  state: 'idle' | 'searching' | 'live' | 'error';
  error: string | null;
  /** Bumps each time the server answered with different hits (for the "updated" announcement). */
  revision: number;
}

export interface LiveSearchOptions {
  token: string;
  limit?: number;
  /** How long the server may hold a request waiting for a change; default 25 000 ms (its cap is 30 000). */
  waitMs?: number;
  /** Typing pause before the first request; default 250 ms. */
  debounceMs?: number;
  /** False (e.g. offline): no request is made. */
  enabled?: boolean;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves when the page is visible (at once if it is). */
function whenVisible(signal: AbortSignal): Promise<void> {
  if (document.visibilityState !== 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (document.visibilityState === 'hidden' && !signal.aborted) return;
      document.removeEventListener('visibilitychange', done);
      resolve();
    };
    document.addEventListener('visibilitychange', done);
    signal.addEventListener('abort', done);
  });
}

/**
 * Search with live results (acceptance scenario 11): `GET /api/search?q=` answers at once; then the
 * same request with the answer's `etag` and `waitMs` is held by the server until the hits change
 * (someone anywhere committed a change this person may see) and answers the new hits — re-issued at
 * once. Nothing is polled while nothing changes; nothing is held while the tab is hidden (R13.1); a
 * failure retries with backoff (1 s doubling to 30 s). A new query aborts the old loop.
 */
export function useLiveSearch(query: string, options: LiveSearchOptions): LiveSearch {
  const { token, limit = 50, waitMs = 25_000, debounceMs = 250, enabled = true } = options;
  const [result, setResult] = useState<LiveSearch>({ hits: [], state: 'idle', error: null, revision: 0 });
  const q = query.trim();

  useEffect(() => {
    if (!q || !enabled) {
      setResult((current) => ({ ...current, hits: q ? current.hits : [], state: q ? current.state : 'idle' }));
      return;
    }
    const abort = new AbortController();
    const { signal } = abort;
    setResult((current) => ({ ...current, state: 'searching', error: null }));
    const loop = async () => {
      await pause(debounceMs, signal);
      let etag: string | undefined;
      let retryMs = RETRY_MIN_MS;
      while (!signal.aborted) {
        await whenVisible(signal);
        if (signal.aborted) return;
        const params = new URLSearchParams({ q, limit: String(limit) });
        if (etag) {
          params.set('etag', etag);
          params.set('waitMs', String(waitMs));
        }
        try {
          const response = await fetch(`/api/search?${params}`, {
            headers: { authorization: `Bearer ${token}` },
            signal,
          });
          const body = (await response.json().catch(() => null)) as {
            hits?: SearchHit[];
            etag?: string;
            changed?: boolean;
            error?: { code?: string; message?: string };
          } | null;
          if (!response.ok || !body?.etag) throw new Error(body?.error?.code ?? `HTTP ${response.status}`);
          retryMs = RETRY_MIN_MS;
          const changed = body.etag !== etag;
          etag = body.etag;
          const hits = body.hits ?? [];
          setResult((current) => ({
            hits: changed ? hits : current.hits,
            state: 'live',
            error: null,
            revision: changed ? current.revision + 1 : current.revision,
          }));
        } catch (error) {
          if (signal.aborted) return;
          setResult((current) => ({ ...current, state: 'error', error: (error as Error).message }));
          await pause(retryMs, signal);
          retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        }
      }
    };
    void loop();
    return () => abort.abort();
  }, [q, token, limit, waitMs, debounceMs, enabled]);

  return result;
}
