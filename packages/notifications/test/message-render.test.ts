import { describe, expect, it } from 'vitest';
import { renderEmail, renderPush, renderSms } from '../src/render/message-render.ts';
import { intent } from './notification-fixture.ts';

describe('R5.1 rendered messages', () => {
  it('R5.1 email: HTML escapes what people typed; text and HTML carry the absolute link; Message-ID is stable per job', () => {
    const typed = intent({ title: 'New message from Emma', body: 'Can we <script>alert(1)</script> & "dance"?' });
    const email = renderEmail(typed, 'sarah@lenslight.example', `${typed.id}:email`, { appUrl: 'https://app.example' });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;dance&#34;?');
    expect(email.text).toContain('Can we <script>alert(1)</script> & "dance"?');
    expect(email.text).toContain('Open in WedSync: https://app.example/clients/w-emma-james');
    expect(email.text.startsWith('Hi Sarah,')).toBe(true);
    expect(email.messageId).toMatch(/^<[A-Za-z0-9_-]{40}@notifications\.wedsync>$/);
    expect(renderEmail(typed, 'x@y.z', `${typed.id}:email`, { appUrl: 'https://app.example' }).messageId).toBe(
      email.messageId,
    );
  });

  it('R5.1 SMS is one line of at most 320 characters; push carries the toast with a 32-character topic', () => {
    const long = intent({ title: 'Meeting soon', body: 'x'.repeat(400), importance: 'critical' });
    const sms = renderSms(long, '+447700900123');
    expect(sms.body).toHaveLength(320);
    expect(sms.body.endsWith('…')).toBe(true);
    const push = renderPush(long, { endpoint: 'https://push.example/1', p256dh: 'k', auth: 'a' });
    expect(push).toMatchObject({
      urgency: 'high',
      payload: { id: long.id, title: 'Meeting soon', importance: 'critical' },
    });
    expect(push.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
