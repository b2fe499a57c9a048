import type { NotificationToast } from '@wedsync/protocol';
import type { OutboxJob } from '../outbox/outbox-job.ts';
import type { InAppMessage } from '../render/message-render.ts';
import type { ChannelSender, SendResult } from './channel-sender.ts';

export interface InAppSenderOptions {
  /**
   * Writes the bell record (R5.3) in the person's scope; must be idempotent per notification (the
   * wiring commits it under a client id of its own with mid 1, so a replay is a `duplicate`).
   */
  commitBell(notification: InAppMessage['notification']): Promise<void>;
  /** Pushes the toast to every connected device of the person, on every node (R5.1). */
  toast(userId: string, toast: NotificationToast): Promise<void>;
}

/**
 * In-app delivery through the outbox: the bell record first, then the toast, so a device that gets
 * the toast finds the record. A resend after a crash rewrites nothing (idempotent commit); the toast
 * may come again and carries the notification id, so clients show it once.
 */
export function createInAppSender(options: InAppSenderOptions): ChannelSender {
  return {
    channel: 'inapp',
    via: 'inapp',
    idempotent: true,
    async send(job: OutboxJob): Promise<SendResult> {
      const message = job.message as InAppMessage;
      if (message.bell) await options.commitBell(message.notification);
      if (message.toast) {
        const { userId: _userId, createdAtMs: _createdAtMs, ...toast } = message.notification;
        await options.toast(job.userId, toast);
      }
      return { ok: true };
    },
  };
}
