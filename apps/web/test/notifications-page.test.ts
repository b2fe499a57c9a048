// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { parsePreferences } from '../../../packages/notifications/src/preferences/notification-preferences.ts';
import { deliveryEntryOf } from '../src/notifications/delivery-entries.ts';
import { DeliveryLog, NotificationSettingsForm } from '../src/notifications/notifications-page.tsx';

afterEach(cleanup);

describe('the notifications page (R5.2 preferences, R5.4 what was sent or recorded)', () => {
  test('R5.2 unticking SMS and setting quiet hours saves preferences the server accepts; per-trigger choices are kept', () => {
    const onSave = vi.fn();
    const previous = { triggers: { client_message: { email: false } }, channels: { push: false } };
    render(createElement(NotificationSettingsForm, { preferences: previous, timeZone: 'Europe/London', onSave }));
    const form = screen.getByRole('form', { name: 'Notification settings' });
    const push = within(form).getByRole('checkbox', { name: /Push to my devices/ }) as HTMLInputElement;
    expect(push.checked).toBe(false);
    fireEvent.click(within(form).getByRole('checkbox', { name: /SMS for critical/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /Push to my devices/ }));
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: '22:00' } });
    fireEvent.change(within(form).getByLabelText('Until'), { target: { value: '07:00' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    const saved = onSave.mock.calls[0]![0];
    expect(saved).toEqual({
      triggers: { client_message: { email: false } },
      channels: { sms: false },
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/London' },
    });
    expect(parsePreferences(saved)).toEqual(saved);
  });

  test('R5.4 the delivery log shows a recorded SMS as what would have been sent', () => {
    const entries = [
      deliveryEntryOf({
        id: 3,
        notificationId: 'meeting_reminder:mt-1:1:u-emma',
        channel: 'sms',
        target: '+447700900123',
        message: { to: '+447700900123', body: 'WedSync: Starting soon: Quick call' },
        status: 'sent',
        attempts: 1,
        nextAttemptAtMs: 1,
        createdAtMs: 1,
        deliveredVia: 'recorded',
      }),
    ];
    render(createElement(DeliveryLog, { entries }));
    const row = screen.getByRole('row', { name: /\+447700900123/ });
    expect(row.textContent).toContain('WedSync: Starting soon: Quick call');
    expect(row.textContent).toContain('Recorded — not sent, no provider configured');
  });
});
