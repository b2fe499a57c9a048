// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { NotificationCenter, type NotificationEntry } from '../src/notification-center.tsx';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(2026, 5, 10, 15, 0));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const HOUR_MS = 3_600_000;
const entries = (): NotificationEntry[] => [
  {
    id: 'n1',
    type: 'form_submitted',
    title: 'Emma submitted the timeline form',
    atMs: Date.now() - HOUR_MS,
    read: false,
  },
  {
    id: 'n2',
    type: 'payment_received',
    title: 'Payment of £450 received',
    atMs: Date.now() - 26 * HOUR_MS,
    read: false,
  },
  {
    id: 'n3',
    type: 'form_submitted',
    title: 'Sarah submitted the menu form',
    atMs: Date.now() - 20 * 24 * HOUR_MS,
    read: true,
  },
];

const renderCenter = (notifications = entries()) => {
  const props = {
    notifications,
    typeLabels: { form_submitted: 'Form submitted', payment_received: 'Payment' },
    onMarkRead: vi.fn(),
    onClearAll: vi.fn(),
    settingsHref: '#/settings/notifications',
  };
  render(<NotificationCenter {...props} />);
  return props;
};

describe('NotificationCenter', () => {
  test('R5.3 the bell names the unread count and opens a dropdown grouped by time with a settings link', () => {
    renderCenter();
    fireEvent.click(screen.getByRole('button', { name: 'Notifications, 2 unread' }));
    const panel = screen.getByRole('dialog', { name: 'Notification centre' });
    const groups = within(panel)
      .getAllByRole('heading', { level: 3 })
      .map((heading) => heading.textContent);
    expect(groups).toEqual(['Today', 'Yesterday', 'Older']);
    expect(within(panel).getByRole('link', { name: 'Notification settings' }).getAttribute('href')).toBe(
      '#/settings/notifications',
    );
  });

  test('R5.3 mark read / unread, filter by type, clear all', () => {
    const props = renderCenter();
    fireEvent.click(screen.getByRole('button', { name: /Notifications/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Mark as read: Emma submitted the timeline form' }));
    fireEvent.click(screen.getByRole('button', { name: 'Mark as unread: Sarah submitted the menu form' }));
    expect(props.onMarkRead.mock.calls).toEqual([
      ['n1', true],
      ['n3', false],
    ]);
    fireEvent.change(screen.getByLabelText('Filter by type'), { target: { value: 'payment_received' } });
    const panel = screen.getByRole('dialog');
    expect(panel.textContent).toContain('Payment of £450 received');
    expect(panel.textContent).not.toContain('Emma submitted');
    fireEvent.click(screen.getByRole('button', { name: 'Clear all' }));
    expect(props.onClearAll).toHaveBeenCalledTimes(1);
  });

  test('R5.3 with everything read the bell has no unread badge', () => {
    renderCenter(entries().map((entry) => ({ ...entry, read: true })));
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeTruthy();
  });
});
