import { retainBinding, useRealtimeClient, useRecordStore } from '@wedsync/react';
import { useEffect } from 'react';

/** Wedding channels bound at most by one hook (R2.4 leaves room under 50 subscriptions per connection). */
export const MAX_BOUND_TOPICS = 20;

/**
 * Binds `wedding:{id}` channels to the record store while mounted, so records of those weddings can be
 * written (a wedding's records are written on its own topic, R2.2) and their changes resume from the
 * last `seq` after a reconnect. Channels are created with my presence key — the options every hook on
 * a wedding channel uses — without tracking me. At most `MAX_BOUND_TOPICS` weddings per hook.
 */
export function useBoundWeddings(weddingIds: readonly string[], myUserId: string): void {
  const client = useRealtimeClient();
  const store = useRecordStore();
  const key = [...new Set(weddingIds)].sort().slice(0, MAX_BOUND_TOPICS).join('\n');
  useEffect(() => {
    const topics = key ? key.split('\n').map((weddingId) => `wedding:${weddingId}`) : [];
    // One counted binding per channel, shared with every other hook of the app (`retainBinding`): a
    // store has one sender per topic, so a second table of bindings would unbind another hook's.
    const releases = topics.map((topic) =>
      retainBinding(store, client.channel(topic, { presence: { key: myUserId } })),
    );
    const scope = client.subscriptionScope(topics);
    return () => {
      for (const release of releases) release();
      void scope.dispose();
    };
  }, [client, store, key, myUserId]);
}
