import type { Channel, ChannelOptions, ChannelState } from '@wedsync/client';
import { useEffect, useState } from 'react';
import { useRealtimeClient } from '../realtime-context.tsx';
import { useRecordStore } from './record-store-context.tsx';
import { retainBinding } from './shared-binding.ts';

export interface SyncedChannel {
  channel: Channel | null;
  state: ChannelState;
  reason: string | null;
}

/**
 * R2.3 + R11.2: joins `topic` while mounted with the record store bound to it — every (re)join resumes
 * from the last seq seen (or asks for a snapshot), changes feed the store, and the offline queue sends
 * this topic's mutations through it. The store is bound before the join, so the first join already
 * carries the resume point. Several components may sync one topic at once: the binding is shared and
 * the last unmount unbinds and releases the channel. `options` apply when the channel is first
 * created (one instance per topic): pass the same presence key as any presence hook on it.
 */
export function useSyncedChannel(topic: string | null, options?: ChannelOptions): SyncedChannel {
  const client = useRealtimeClient();
  const store = useRecordStore();
  const [handle, setHandle] = useState<SyncedChannel>({ channel: null, state: 'closed', reason: null });

  // biome-ignore lint/correctness/useExhaustiveDependencies: options are creation-time only (see contract).
  useEffect(() => {
    if (!topic) {
      setHandle({ channel: null, state: 'closed', reason: null });
      return;
    }
    const channel = client.channel(topic, options ?? {});
    const release = retainBinding(store, channel);
    const scope = client.subscriptionScope([topic]);
    setHandle({ channel, state: channel.state, reason: null });
    const stopListening = channel.onState((state, reason) => setHandle({ channel, state, reason }));
    return () => {
      stopListening();
      release();
      void scope.dispose();
    };
  }, [client, store, topic]);

  return handle;
}
