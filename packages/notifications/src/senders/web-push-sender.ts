import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { OutboxJob } from '../outbox/outbox-job.ts';
import type { PushMessage } from '../render/message-render.ts';
import type { ChannelSender, SendResult } from './channel-sender.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface WebPushSenderOptions {
  vapid: VapidKeys;
  /** VAPID `sub`: `mailto:admin@example.com` or an https URL of the sender. */
  subject: string;
  /** How long the push service keeps an undelivered message; default 86 400 s. */
  ttlSeconds?: number;
  /** Request timeout; default 15 000 ms. */
  timeoutMs?: number;
  /** HTTPS agent for the push service requests (a private CA in tests). */
  agent?: Agent;
}

/**
 * Web Push (RFC 8030) with `web-push`: payload encrypted per RFC 8291 (aes128gcm) for the device's
 * keys, VAPID (RFC 8292) authorisation. Each message carries an RFC 8030 `Topic` derived from the
 * notification id, so a resend after a crash replaces an undelivered copy at the push service, and
 * the service worker shows it with `tag` = notification id, so a delivered duplicate replaces the
 * shown one instead of adding a second: idempotent as seen by the person.
 * 201/2xx: sent; 404/410: the subscription is gone (the job fails and `onGone` removes the device);
 * 429/5xx/network: retried; other 4xx: failed.
 */
export function createWebPushSender(options: WebPushSenderOptions): ChannelSender {
  return {
    channel: 'push',
    via: 'web-push',
    idempotent: true,
    async send(job: OutboxJob): Promise<SendResult> {
      const message = job.message as PushMessage;
      try {
        const response = await webpush.sendNotification(message.subscription, JSON.stringify(message.payload), {
          vapidDetails: {
            subject: options.subject,
            publicKey: options.vapid.publicKey,
            privateKey: options.vapid.privateKey,
          },
          TTL: options.ttlSeconds ?? 86_400,
          urgency: message.urgency,
          topic: message.topic,
          contentEncoding: 'aes128gcm',
          timeout: options.timeoutMs ?? 15_000,
          ...(options.agent ? { agent: options.agent } : {}),
        });
        const location = response.headers?.location;
        return { ok: true, providerRef: typeof location === 'string' ? location : `http-${response.statusCode}` };
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode;
        const text = error instanceof Error ? error.message : String(error);
        if (typeof status !== 'number') return { ok: false, retryable: true, error: text };
        const detail = `push service answered ${status}: ${String((error as { body?: unknown }).body ?? '').slice(0, 200)}`;
        if (status === 404 || status === 410) return { ok: false, retryable: false, gone: true, error: detail };
        return { ok: false, retryable: status === 429 || status >= 500, error: detail };
      }
    },
  };
}

/** A fresh VAPID key pair (P-256, URL-safe base64). */
export function generateVapidKeys(): VapidKeys {
  return webpush.generateVAPIDKeys();
}
