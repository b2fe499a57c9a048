import { createSmtpMailer } from '@wedsync/notifications';
import type { JourneyMailer } from '@wedsync/wedding';

/**
 * Journey emails (R8) over SMTP when `SMTP_URL` is set: one message to the couple's partners,
 * plain text plus an HTML body carrying the email-open pixel (R8.1). The idempotency key becomes
 * the Message-ID, so a resend after a crash is recognisable in the recipient's mailbox; SMTP itself
 * cannot deduplicate (see packages/notifications/README.md).
 */
export function createJourneySmtpMailer(options: { url: string; from: string }): JourneyMailer & { close(): void } {
  const smtp = createSmtpMailer({ url: options.url, from: options.from });
  const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  return {
    async send(email) {
      if (email.to.length === 0) return { ok: false, retryable: false, error: 'the couple has no email address' };
      const pixel = email.trackingPixelUrl
        ? `<img src="${escapeHtml(email.trackingPixelUrl)}" width="1" height="1" alt="">`
        : '';
      return smtp.send({
        to: email.to.map((person) => `${person.name} <${person.email}>`).join(', '),
        subject: email.subject,
        text: email.text,
        html: `<p>${escapeHtml(email.text).replace(/\n/g, '<br>')}</p>${pixel}`,
        messageId: `<${email.idempotencyKey.replace(/[^A-Za-z0-9.:_-]/g, '-')}@wedsync>`,
      });
    },
    close: () => smtp.close(),
  };
}
