import { describe, expect, test } from 'vitest';
import { deliveryEntryOf, type OutboxJobJson } from '../src/notifications/delivery-entries.ts';

const job = (overrides: Partial<OutboxJobJson>): OutboxJobJson => ({
  id: 7,
  notificationId: 'meeting_reminder:mt-1:1:u-emma',
  channel: 'sms',
  target: '+447700900123',
  message: { to: '+447700900123', body: 'WedSync: Starting soon: Quick call' },
  status: 'sent',
  attempts: 1,
  nextAttemptAtMs: 1,
  createdAtMs: 1_000,
  sentAtMs: 2_000,
  ...overrides,
});

describe('the delivery log (R5.4, issue 7: the embedded default records what would have been sent, visible in the app)', () => {
  test('R5.4 an SMS with no provider configured shows as recorded, with the text that would have been sent', () => {
    expect(deliveryEntryOf(job({ deliveredVia: 'recorded' }))).toMatchObject({
      channel: 'SMS',
      to: '+447700900123',
      summary: 'WedSync: Starting soon: Quick call',
      status: 'Recorded — not sent, no provider configured',
      recorded: true,
      atMs: 2_000,
    });
  });

  test('R5.4 an email sent through SMTP after retries shows its subject, body and attempts; a failure its error', () => {
    const email = job({
      channel: 'email',
      target: 'sarah@lenslight.example',
      message: { subject: 'Form submitted', text: 'Hi Sarah,\n\nEmma completed it' },
      deliveredVia: 'smtp',
      attempts: 3,
    });
    expect(deliveryEntryOf(email)).toMatchObject({
      channel: 'Email',
      summary: 'Form submitted',
      detail: 'Hi Sarah,\n\nEmma completed it',
      status: 'Sent via smtp',
      recorded: false,
      attempts: 3,
    });
    expect(deliveryEntryOf({ ...email, status: 'failed', lastError: '550 no such user' }).status).toBe(
      'Failed: 550 no such user',
    );
    expect(deliveryEntryOf({ ...email, status: 'pending', attempts: 1, lastError: '451' }).status).toBe(
      'Retrying (451)',
    );
  });

  test('R5.1 in-app and push entries show the notification title, not the device endpoint', () => {
    const notification = { title: 'Sarah mentioned you', body: 'Shot list' };
    expect(
      deliveryEntryOf(
        job({ channel: 'inapp', target: 'user:u-bob', message: { notification }, deliveredVia: 'inapp' }),
      ),
    ).toMatchObject({ channel: 'In app', to: 'Bell and toasts', summary: 'Sarah mentioned you', detail: 'Shot list' });
    expect(
      deliveryEntryOf(
        job({
          channel: 'push',
          target: 'https://push.example/d1',
          message: { payload: notification },
          status: 'pending',
          attempts: 0,
        }),
      ),
    ).toMatchObject({ channel: 'Push', to: 'Subscribed device', summary: 'Sarah mentioned you', status: 'Waiting' });
  });
});
