import type { SyncHistoryPoint } from '@wedsync/react-ui';
import { useEffect, useState } from 'react';
import { pollWhileVisible } from './poll-while-visible.ts';

export interface SyncHistoryState {
  points: SyncHistoryPoint[];
  error: string | null;
}

/**
 * R16.2 history: `GET /api/analytics?tenant=*` (the last hour in minute buckets: every client's
 * telemetry and every node's samples), read every `intervalMs` (default 30 s — a bucket is a minute)
 * while the page is visible, and at once when it becomes visible again. Owners and admins may read it;
 * others get FORBIDDEN, shown as such.
 */
export function useSyncHistory(token: string, intervalMs = 30_000): SyncHistoryState {
  const [state, setState] = useState<SyncHistoryState>({ points: [], error: null });

  useEffect(
    () =>
      pollWhileVisible(async (isStopped) => {
        try {
          const response = await fetch('/api/analytics?tenant=*', { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json().catch(() => null)) as {
            points?: SyncHistoryPoint[];
            error?: { code?: string };
          } | null;
          if (!response.ok) throw new Error(body?.error?.code ?? `HTTP ${response.status}`);
          if (!isStopped()) setState({ points: body?.points ?? [], error: null });
        } catch (error) {
          if (!isStopped()) setState((current) => ({ ...current, error: (error as Error).message }));
        }
      }, intervalMs),
    [token, intervalMs],
  );

  return state;
}

/**
 * Conflicts and failures per sync attempt over the points (R16.1 conflict frequency, sync failure
 * rate), 0..1; null when nothing synced.
 */
export function syncRatesOf(points: readonly SyncHistoryPoint[]): {
  conflictRate: number | null;
  failureRate: number | null;
} {
  let attempts = 0;
  let conflicts = 0;
  let failures = 0;
  for (const point of points) {
    attempts += point.syncAttempts;
    conflicts += point.conflicts;
    failures += point.syncFailures;
  }
  return attempts > 0
    ? { conflictRate: conflicts / attempts, failureRate: failures / attempts }
    : { conflictRate: null, failureRate: null };
}
