import type { ClientStatus } from '@wedsync/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useRealtimeClient } from './realtime-context.tsx';

/**
 * The SDK's connection status (R1.5): state, reason, attempt, next retry time, latency, and the
 * transport in use (R15.1, `longpoll` on the HTTP fallback). Re-renders on every change; the snapshot
 * is the client's own frozen object, so unchanged status means no render.
 */
export function useConnectionStatus(): ClientStatus {
  const client = useRealtimeClient();
  const subscribe = useCallback((onChange: () => void) => client.onStatus(onChange), [client]);
  const read = useCallback(() => client.status, [client]);
  return useSyncExternalStore(subscribe, read, read);
}
