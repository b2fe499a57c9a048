import type { Channel } from '@wedsync/client';
import { useRealtimeClient } from '@wedsync/react';
import { useEffect, useState } from 'react';

/** Presence channels watched at most (R2.4 leaves room under the 50 subscriptions per connection). */
export const MAX_WATCHED_WEDDINGS = 20;

/**
 * Who is present on each `wedding:{id}` channel (R7.1 "online now", R4.3), without tracking me: the
 * couple tracks itself there from WedMe, so a partner's presence key (their user id) showing up means
 * they are online now. Watches the first `MAX_WATCHED_WEDDINGS` ids given (callers pass the most
 * recently active first). Channels are created with my presence key, the same options every other
 * hook on a wedding channel uses (one instance per topic). Returns wedding id → present user ids;
 * a wedding absent from the map is not watched (or its channel is not joined).
 */
export function useWeddingPresence(weddingIds: readonly string[], myUserId: string): ReadonlyMap<string, Set<string>> {
  const client = useRealtimeClient();
  const [present, setPresent] = useState<ReadonlyMap<string, Set<string>>>(new Map());
  const key = weddingIds.slice(0, MAX_WATCHED_WEDDINGS).join('\n');

  useEffect(() => {
    const ids = key ? key.split('\n') : [];
    const channels = new Map<string, Channel>();
    const offs: (() => void)[] = [];
    const read = () => {
      const next = new Map<string, Set<string>>();
      for (const [weddingId, channel] of channels) {
        if (channel.state !== 'joined') continue;
        const keys = Object.entries(channel.presenceState())
          .filter(([, entries]) => entries.length > 0)
          .map(([userId]) => userId);
        next.set(weddingId, new Set(keys));
      }
      setPresent(next);
    };
    for (const weddingId of ids) {
      const channel = client.channel(`wedding:${weddingId}`, { presence: { key: myUserId } });
      channels.set(weddingId, channel);
      // Listen before joining: presence is requested in the join only when someone listens.
      offs.push(channel.onPresence('sync', read), channel.onState(read));
    }
    const scope = client.subscriptionScope(ids.map((weddingId) => `wedding:${weddingId}`));
    read();
    return () => {
      for (const off of offs) off();
      void scope.dispose();
    };
  }, [client, key, myUserId]);

  return present;
}
