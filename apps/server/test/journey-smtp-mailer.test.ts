import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../../../packages/notifications/test/smtp-loopback.ts';
import { createJourneySmtpMailer } from '../src/journey-smtp-mailer.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const email = {
  idempotencyKey: 'journey:run-1:m-welcome',
  runId: 'run-1',
  moduleId: 'm-welcome',
  kind: 'send_email' as const,
  to: [
    { userId: 'u-emma', name: 'Emma Wilson', email: 'emma@wedme.example' },
    { userId: 'u-james', name: 'James Carter', email: 'james@wedme.example' },
  ],
  from: { supplierId: 'lenslight', name: 'LensLight Photography' },
  subject: 'Welcome to LensLight',
  text: 'Hello Emma & James,\nwe are thrilled.',
  trackingPixelUrl: 'http://localhost:4000/api/journeys/opened/abc.gif',
};

describe('R8.1 journey emails leave over SMTP when SMTP_URL is set', () => {
  it('sends one message to both partners with the open pixel and the idempotency key as Message-ID', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const mailer = createJourneySmtpMailer({ url: smtp.url, from: 'LensLight <hello@lenslight.example>' });
    cleanups.push(() => mailer.close());
    const result = await mailer.send(email);
    expect(result.ok).toBe(true);
    await smtp.waitFor(1);
    const [mail] = smtp.received;
    expect(mail?.to.sort()).toEqual(['emma@wedme.example', 'james@wedme.example']);
    expect(mail?.raw).toContain('Subject: Welcome to LensLight');
    expect(mail?.raw).toContain('journey:run-1:m-welcome@wedsync');
    expect(mail?.raw).toContain('opened/abc.gif');
  });

  it('refuses, without retry, a journey email with no recipient', async () => {
    const mailer = createJourneySmtpMailer({ url: 'smtp://127.0.0.1:9', from: 'x <x@example.com>' });
    cleanups.push(() => mailer.close());
    expect(await mailer.send({ ...email, to: [] })).toEqual({
      ok: false,
      retryable: false,
      error: 'the couple has no email address',
    });
  });

  it('reports a refusing server as retryable (4xx) so the scheduler retries with backoff', async () => {
    const smtp = await startSmtpServer({ decide: () => 451 });
    cleanups.push(() => smtp.close());
    const mailer = createJourneySmtpMailer({ url: smtp.url, from: 'LensLight <hello@lenslight.example>' });
    cleanups.push(() => mailer.close());
    const result = await mailer.send(email);
    expect(result).toMatchObject({ ok: false, retryable: true });
  });
});
