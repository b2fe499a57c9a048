import type { Channel, ChannelOptions, ChannelState } from '@wedsync/client';
import { useEffect, useState } from 'react';
import { useRealtimeClient } from './realtime-context.tsx';

export interface ChannelHandle {
  /** The channel, once the component has mounted (null before, or without a topic). */
  channel: Channel | null;
  state: ChannelState;
  /** Why the channel is not joined (an error code such as FORBIDDEN or SUBSCRIPTION_LIMIT), or null. */
  reason: string | null;
}

/**
 * R2.3 auto-subscribe: joins `topic` while the component is mounted and pins it against idle eviction;
 * unmounting releases it (left unless another scope holds it). `null` topic → nothing joined.
 * `options` apply when the channel is first created; later changes of `options` are ignored.
 */
export function useChannel(topic: string | null, options?: ChannelOptions): ChannelHandle {
  const client = useRealtimeClient();
  const [handle, setHandle] = useState<ChannelHandle>({ channel: null, state: 'closed', reason: null });

  // biome-ignore lint/correctness/useExhaustiveDependencies: options are creation-time only (see contract).
  useEffect(() => {
    if (!topic) {
      setHandle({ channel: null, state: 'closed', reason: null });
      return;
    }
    const scope = client.subscriptionScope([topic], options ? { channelOptions: options } : {});
    const channel = scope.channel(topic) ?? null;
    if (!channel) return;
    setHandle({ channel, state: channel.state, reason: null });
    const stopListening = channel.onState((state, reason) => setHandle({ channel, state, reason }));
    return () => {
      stopListening();
      void scope.dispose();
    };
  }, [client, topic]);

  return handle;
}
