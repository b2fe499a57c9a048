import { bindChannel, type RealtimeClient, type RecordStore } from '@wedsync/client';
import { useRealtimeClient, useRecordStore } from '@wedsync/react';
import { useEffect } from 'react';

/** Wedding channels bound at most by one hook (R2.4 leaves room under 50 subscriptions per connection). */
export const MAX_BOUND_TOPICS = 20;

/**
 * One store binding per topic, shared by every hook that needs it: a store has one sender per topic,
 * so a second `bindChannel` would replace the first and its unbind would leave the topic without one.
 */
const bindings = new WeakMap<RecordStore, Map<string, { holders: number; unbind: () => void }>>();

function acquire(store: RecordStore, client: RealtimeClient, topic: string, myUserId: string): () => void {
  let byTopic = bindings.get(store);
  if (!byTopic) {
    byTopic = new Map();
    bindings.set(store, byTopic);
  }
  const table = byTopic;
  let entry = table.get(topic);
  if (!entry) {
    entry = { holders: 0, unbind: bindChannel(store, client.channel(topic, { presence: { key: myUserId } })) };
    table.set(topic, entry);
  }
  entry.holders += 1;
  const held = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.holders -= 1;
    if (held.holders > 0) return;
    held.unbind();
    table.delete(topic);
  };
}

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
    const releases = topics.map((topic) => acquire(store, client, topic, myUserId));
    const scope = client.subscriptionScope(topics);
    return () => {
      for (const release of releases) release();
      void scope.dispose();
    };
  }, [client, store, key, myUserId]);
}
