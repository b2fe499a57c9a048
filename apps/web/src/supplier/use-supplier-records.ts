import { useRecordStore, useSyncedChannel } from '@wedsync/react';
import { useEffect, useRef } from 'react';

/**
 * Binds the supplier's primary channel `supplier:{id}` (everything the team may see: its own scope
 * and every connected wedding, R2.1) to the record store for the whole session, so every page reads
 * clients, meetings, journeys, notes, tasks and chat from one place, live.
 *
 * The channel is joined at login by the primary subscription (R1.2), usually before this binding
 * exists, so its first join carried no resume point: once joined after binding, one snapshot is
 * requested (a full refresh, R11.2). Later rejoins resume from the last `seq` on their own.
 */
export function useSupplierRecords(supplierId: string | null) {
  const store = useRecordStore();
  const topic = supplierId ? `supplier:${supplierId}` : null;
  const synced = useSyncedChannel(topic);
  const refreshed = useRef<{ channel: unknown } | null>(null);
  useEffect(() => {
    if (!topic || !synced.channel || synced.state !== 'joined') return;
    if (refreshed.current?.channel === synced.channel) return;
    refreshed.current = { channel: synced.channel };
    store.requestSnapshot(topic);
  }, [store, topic, synced.channel, synced.state]);
  return synced;
}
