import nodemailer from 'nodemailer';
import type { OutboxJob } from '../outbox/outbox-job.ts';
import type { EmailMessage } from '../render/message-render.ts';
import type { ChannelSender, SendResult } from './channel-sender.ts';

export interface SmtpSenderOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (nodemailer connection URL). */
  url: string;
  /** `From` header, e.g. `WedSync <notifications@wedsync.example>`. */
  from: string;
  /** Connection, greeting and socket timeouts (ms); keep well under the worker lease. Default 15 000. */
  timeoutMs?: number;
  /** Extra nodemailer transport options (tests: `tls: { rejectUnauthorized: false }`). */
  transport?: Record<string, unknown>;
}

/** One email as the mailer sends it. */
export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** RFC 5322 Message-ID, e.g. `<key@host>`; keep it stable across retries of one message. */
  messageId?: string;
  headers?: Record<string, string>;
}

/**
 * SMTP with nodemailer, without the outbox: for other senders of email (journey modules, R8) that
 * keep their own retry state. Results follow `SendResult`: 4xx and connection failures retryable,
 * 5xx not.
 */
export function createSmtpMailer(options: SmtpSenderOptions): {
  send(message: MailMessage): Promise<SendResult>;
  close(): void;
} {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transporter = nodemailer.createTransport(options.url, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...options.transport,
  } as never);
  return {
    async send(message) {
      try {
        const info = await transporter.sendMail({ from: options.from, ...message });
        return { ok: true, providerRef: String(info.messageId ?? message.messageId ?? '') };
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        const text = error instanceof Error ? error.message : String(error);
        return { ok: false, retryable: !(typeof code === 'number' && code >= 500), error: text };
      }
    },
    close: () => transporter.close(),
  };
}

/**
 * Email over SMTP with nodemailer (R5.4), HTML and text bodies. SMTP has no idempotency key: the
 * Message-ID is stable per job, but servers do not dedupe on it, so this sender is not idempotent —
 * a worker killed after the server accepted a message and before the outcome was recorded sends it
 * again (the attempt log shows the `interrupted` attempt). Replies 4xx and connection failures are
 * retried; 5xx replies fail the job (the address or message is refused for good).
 */
export function createSmtpSender(options: SmtpSenderOptions): ChannelSender & { close(): void } {
  const mailer = createSmtpMailer(options);
  return {
    channel: 'email',
    via: 'smtp',
    idempotent: false,
    send(job: OutboxJob): Promise<SendResult> {
      const message = job.message as EmailMessage;
      return mailer.send({
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        headers: { 'X-WedSync-Notification': job.notificationId, 'X-WedSync-Idempotency-Key': job.idempotencyKey },
      });
    },
    close: mailer.close,
  };
}
