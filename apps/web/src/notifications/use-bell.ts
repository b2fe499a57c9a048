import type { RecordView } from '@wedsync/client';
import { type SyncedChannel, useQuery, useRecordStore, useSyncedChannel } from '@wedsync/react';
import type { NotificationEntry } from '@wedsync/react-ui';
import { useCallback, useMemo } from 'react';
import { bellEntryOf } from './bell-entries.ts';

export interface Bell {
  /** Newest first. */
  notifications: NotificationEntry[];
  unread: number;
  markRead: (id: string, read: boolean) => void;
  markAllRead: () => void;
  clearAll: () => void;
  /** `user:{id}`: the bell's records and the toasts of every notification travel on it. */
  channel: SyncedChannel['channel'];
}

/**
 * The bell (R5.3) from the person's `notifications` records on `user:{id}`, joined and bound to the
 * record store: read/unread is a write of `readAtMs` (null = unread), clear all deletes them — synced
 * to every device of the person, queued while offline.
 */
export function useBell(userId: string | null): Bell {
  const store = useRecordStore();
  const topic = userId ? `user:${userId}` : null;
  const { channel } = useSyncedChannel(topic);
  const mine = useCallback((record: RecordView) => record.topic === topic, [topic]);
  const records = useQuery('notifications', mine);
  const notifications = useMemo(
    () =>
      records
        .map(bellEntryOf)
        .filter((entry): entry is NotificationEntry => entry !== undefined)
        .sort((a, b) => b.atMs - a.atMs || b.id.localeCompare(a.id)),
    [records],
  );
  const markRead = useCallback(
    (id: string, read: boolean) => {
      if (!topic || !store.record('notifications', id)) return;
      store.set('notifications', id, 'readAtMs', read ? Date.now() : null, { topic });
    },
    [store, topic],
  );
  const markAllRead = useCallback(() => {
    for (const entry of notifications) if (!entry.read) markRead(entry.id, true);
  }, [notifications, markRead]);
  const clearAll = useCallback(() => {
    if (!topic) return;
    for (const entry of notifications) store.delete('notifications', entry.id, { topic });
  }, [store, topic, notifications]);
  const unread = notifications.filter((entry) => !entry.read).length;
  return { notifications, unread, markRead, markAllRead, clearAll, channel };
}
