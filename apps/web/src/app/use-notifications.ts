import type { NotificationEntry } from '@wedsync/react-ui';
import { useEffect } from 'react';
import { listenToPushWorker, registerPush, unregisterPush } from '../notifications/push-registration.ts';
import { useBell } from '../notifications/use-bell.ts';
import { useNotificationToasts } from '../notifications/use-notification-toasts.ts';
import { navigate } from '../routing/use-location.ts';
import { loadSession } from '../session/session-storage.ts';

export interface NotificationsState {
  notifications: NotificationEntry[];
  unread: number;
  markRead: (id: string, read: boolean) => void;
  markAllRead: () => void;
  clearAll: () => void;
}

/**
 * The notification centre's data (R5.3) for the logged-in person: the bell from their
 * `notifications` records on `user:{id}` (read on one device is read on all), a toast per new
 * notification on every device, and Web Push registered after login (skipped where unavailable).
 * `user` defaults to the stored session's person.
 */
export function useNotifications(user?: { id: string }): NotificationsState {
  const userId = user?.id ?? loadSession()?.user.id ?? null;
  const bell = useBell(userId);
  useNotificationToasts(bell.channel);

  useEffect(() => {
    const token = loadSession()?.token;
    if (!userId || !token) return;
    void registerPush(token);
    const stop = listenToPushWorker(token, (link) => navigate(link));
    return () => {
      stop();
      // Logged out (the session is gone): this device stops receiving pushes for the person.
      if (!loadSession()) void unregisterPush(token);
    };
  }, [userId]);

  return {
    notifications: bell.notifications,
    unread: bell.unread,
    markRead: bell.markRead,
    markAllRead: bell.markAllRead,
    clearAll: bell.clearAll,
  };
}
