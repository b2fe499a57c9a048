import type { ClientStatus } from '@wedsync/client';
import { useConnectionStatus, useOnline, useOutboxProgress, useRealtimeClient } from '@wedsync/react';
import { useEffect, useRef, useState } from 'react';

/** What the chrome shows about syncing: the SDK status plus the figures of the indicator's details (R1.6). */
export interface SyncOverview {
  /** Includes `transport` (R15.1): `longpoll` while on the HTTP fallback. */
  status: ClientStatus;
  /** The browser is offline or the link is down (R11.1). */
  offline: boolean;
  /** Last moment the link was known good (epoch ms). */
  lastSyncedAtMs: number | null;
  /** Changes waiting in the local queue (R11.3 badge). */
  queuedChanges: number;
  /** Sync of the queue in progress after reconnecting (R11.2), or null. */
  syncProgress: { done: number; total: number } | null;
  /** Changes refused by the server since this page opened (R11.2 "failures reported"). */
  failedChanges: number;
  /** Topics currently joined. */
  channels: string[];
}

export function useSyncOverview(): SyncOverview {
  const client = useRealtimeClient();
  const status = useConnectionStatus();
  const online = useOnline();
  const progress = useOutboxProgress();
  const lastGoodRef = useRef<number | null>(null);
  const [, setTick] = useState(0);

  // While connected, "last synced" is now; it freezes at the moment the link went down.
  useEffect(() => {
    if (status.state !== 'connected') return;
    lastGoodRef.current = Date.now();
    const timer = setInterval(() => {
      lastGoodRef.current = Date.now();
      setTick((tick) => tick + 1);
    }, 30_000);
    return () => clearInterval(timer);
  }, [status.state]);

  const offline =
    !online || status.state === 'disconnected' || status.state === 'reconnecting' || status.state === 'error';
  return {
    status,
    offline,
    lastSyncedAtMs: progress.lastSyncedAtMs ?? (status.state === 'connected' ? Date.now() : lastGoodRef.current),
    queuedChanges: progress.queued,
    syncProgress:
      !offline && progress.sending > 0 ? { done: progress.done, total: progress.done + progress.queued } : null,
    failedChanges: progress.failed,
    channels: client
      .channels()
      .filter((channel) => channel.state === 'joined')
      .map((channel) => channel.topic)
      .sort(),
  };
}
