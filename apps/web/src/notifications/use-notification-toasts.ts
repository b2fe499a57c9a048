import type { Channel } from '@wedsync/client';
import { NOTIFICATION_TOAST_EVENT, type NotificationToast, notificationToastSchema } from '@wedsync/protocol';
import { useEffect, useRef } from 'react';
import { useToast } from '../app/toast-context.tsx';
import { navigate } from '../routing/use-location.ts';

/** Ids already toasted on this device, remembered this long (a resent toast after a server crash, R5.4). */
const SEEN_LIMIT = 200;

/**
 * Toasts of new notifications (R5.1 toast, R5.3): the server pushes `notification` on `user:{id}` to
 * every device of the person; each id is shown once here, important ones stay until dismissed.
 */
export function useNotificationToasts(channel: Channel | null): void {
  const toast = useToast();
  const seen = useRef(new Set<string>());
  useEffect(() => {
    if (!channel) return;
    return channel.on(NOTIFICATION_TOAST_EVENT, (payload) => {
      const parsed = notificationToastSchema.safeParse(payload);
      if (!parsed.success) return;
      const notification: NotificationToast = parsed.data;
      if (seen.current.has(notification.id)) return;
      seen.current.add(notification.id);
      if (seen.current.size > SEEN_LIMIT) {
        const oldest = seen.current.values().next().value;
        if (oldest !== undefined) seen.current.delete(oldest);
      }
      const link = notification.link;
      toast({
        id: `notification-${notification.id}`,
        title: notification.title,
        message: notification.body,
        tone: notification.importance === 'critical' ? 'warning' : 'info',
        importance: notification.importance === 'normal' ? 'subtle' : 'must-act',
        ...(link ? { action: { label: 'Open', onClick: () => navigate(link) } } : {}),
      });
    });
  }, [channel, toast]);
}
