import { createHash } from 'node:crypto';
import type { NotificationToast } from '@wedsync/protocol';
import type { NotificationIntent } from '../notification-intent.ts';
import type { PushTarget } from '../routing/notification-routing.ts';

/**
 * The rendered messages the outbox keeps with each job (so what is sent — or, with nothing
 * configured, what would have been sent — is visible and never re-decided at send time).
 */
export interface InAppMessage {
  bell: boolean;
  toast: boolean;
  notification: NotificationToast & { userId: string; createdAtMs: number };
}
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID, stable per job (a resend after a crash carries the same one). */
  messageId: string;
}
export interface SmsMessage {
  to: string;
  body: string;
}
export interface PushMessage {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** The JSON the service worker receives (apps/web/public/push-sw.js). */
  payload: NotificationToast;
  urgency: 'normal' | 'high';
  /** RFC 8030 Topic: a newer message with the same topic replaces an undelivered one at the push service. */
  topic: string;
}

export interface RenderOptions {
  /** Absolute base of in-app links in emails and SMS, e.g. `https://app.wedsync.com`. */
  appUrl: string;
}

const SMS_MAX_CHARS = 320;

export function toastOf(intent: NotificationIntent): NotificationToast {
  return {
    id: intent.id,
    trigger: intent.trigger,
    importance: intent.importance,
    title: intent.title,
    body: intent.body,
    ...(intent.link ? { link: intent.link } : {}),
    createdAt: new Date(intent.createdAtMs).toISOString(),
  };
}

export function renderInApp(intent: NotificationIntent, bell: boolean, toast: boolean): InAppMessage {
  return { bell, toast, notification: { ...toastOf(intent), userId: intent.userId, createdAtMs: intent.createdAtMs } };
}

export function renderEmail(intent: NotificationIntent, to: string, key: string, options: RenderOptions): EmailMessage {
  const link = intent.link ? new URL(intent.link, options.appUrl).toString() : options.appUrl;
  const settings = new URL('/settings/notifications', options.appUrl).toString();
  const greeting = intent.contact?.name ? `Hi ${intent.contact.name.split(/\s+/)[0]},` : 'Hi,';
  const text = `${greeting}\n\n${intent.body}\n\nOpen in WedSync: ${link}\n\n—\nYou get this email because of your notification settings: ${settings}\n`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2937">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<h2 style="font-size:18px">${escapeHtml(intent.title)}</h2>`,
    `<p>${escapeHtml(intent.body)}</p>`,
    `<p><a href="${escapeHtml(link)}">Open in WedSync</a></p>`,
    `<p style="color:#6b7280;font-size:12px">You get this email because of your <a href="${escapeHtml(settings)}">notification settings</a>.</p>`,
    '</body></html>',
  ].join('');
  return { to, subject: intent.title, text, html, messageId: `<${shortHash(key, 40)}@notifications.wedsync>` };
}

export function renderSms(intent: NotificationIntent, to: string): SmsMessage {
  const body = `WedSync: ${intent.title} — ${intent.body}`;
  return { to, body: body.length > SMS_MAX_CHARS ? `${body.slice(0, SMS_MAX_CHARS - 1)}…` : body };
}

export function renderPush(intent: NotificationIntent, target: PushTarget): PushMessage {
  return {
    subscription: { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    payload: toastOf(intent),
    urgency: intent.importance === 'normal' ? 'normal' : 'high',
    topic: shortHash(intent.id, 32),
  };
}

/** URL-safe base64 of SHA-256, cut to `length` characters (RFC 8030 topics allow at most 32). */
export function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, length);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
