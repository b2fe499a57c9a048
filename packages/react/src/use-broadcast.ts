import type { BroadcastHandler, Channel } from '@wedsync/client';
import { useEffect, useRef } from 'react';

/**
 * Listens to one broadcast event on `channel` (ephemeral traffic: typing, drag previews, cursors).
 * The latest `handler` is always called, without resubscribing when it changes.
 */
export function useBroadcast(channel: Channel | null, event: string, handler: BroadcastHandler): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!channel) return;
    return channel.onBroadcast(event, (payload, message) => latest.current(payload, message));
  }, [channel, event]);
}
