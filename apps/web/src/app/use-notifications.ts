import type { NotificationEntry } from '@wedsync/react-ui';
import { useCallback, useState } from 'react';

export interface NotificationsState {
  notifications: NotificationEntry[];
  markRead: (id: string, read: boolean) => void;
  clearAll: () => void;
}

/**
 * The bell's list. Local state for now: the notifications collection of the record store (synced read
 * state across devices, R5.3) replaces it once the store lands.
 */
export function useNotifications(_user?: { id: string }): NotificationsState {
  const [notifications, setNotifications] = useState<NotificationEntry[]>([]);
  const markRead = useCallback(
    (id: string, read: boolean) =>
      setNotifications((list) => list.map((entry) => (entry.id === id ? { ...entry, read } : entry))),
    [],
  );
  const clearAll = useCallback(() => setNotifications([]), []);
  return { notifications, markRead, clearAll };
}
