// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ClientList, type ClientSummary, clientActivity, sortClients } from '../src/client-list.tsx';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const DAY_MS = 86_400_000;
const client = (id: string, patch: Partial<ClientSummary>): ClientSummary => ({
  id,
  name: id,
  online: false,
  lastActiveAtMs: null,
  unreadMessages: 0,
  updatedAtMs: null,
  ...patch,
});

describe('ClientList', () => {
  test('R7.1 statuses: filling a form, online, recently active, inactive', () => {
    const nowMs = Date.now();
    expect(clientActivity(client('a', { fillingForm: 'Timeline', online: true }), nowMs)).toBe('filling');
    expect(clientActivity(client('b', { online: true }), nowMs)).toBe('online');
    expect(clientActivity(client('c', { lastActiveAtMs: nowMs - 3_600_000 }), nowMs)).toBe('recent');
    expect(clientActivity(client('d', { lastActiveAtMs: nowMs - 3 * DAY_MS }), nowMs)).toBe('idle');
    expect(clientActivity(client('e', { lastActiveAtMs: nowMs - 8 * DAY_MS }), nowMs)).toBe('inactive');
  });

  test('R7.2 active clients bubble to the top', () => {
    const nowMs = Date.now();
    const sorted = sortClients(
      [
        client('old', { lastActiveAtMs: nowMs - 9 * DAY_MS }),
        client('online', { online: true, lastActiveAtMs: nowMs }),
        client('recent', { lastActiveAtMs: nowMs - 60_000 }),
        client('filling', { fillingForm: 'Menu' }),
      ],
      nowMs,
    );
    expect(sorted.map((entry) => entry.id)).toEqual(['filling', 'online', 'recent', 'old']);
  });

  test('R7.2 new clients animate in, deleted ones fade out before leaving, unread shown', () => {
    const a = client('Emma & James', { online: true, unreadMessages: 2 });
    const b = client('Sarah & Tom', {});
    const { container, rerender } = render(<ClientList clients={[a]} />);
    expect(screen.getByRole('button', { name: /Emma & James.*2 unread messages/ })).toBeTruthy();
    rerender(<ClientList clients={[a, b]} />);
    expect(container.querySelector('[data-new="true"]')?.textContent).toContain('Sarah & Tom');
    rerender(<ClientList clients={[b]} />);
    expect(container.querySelector('[data-leaving="true"]')?.textContent).toContain('Emma & James');
    act(() => vi.advanceTimersByTime(400));
    expect(container.textContent).not.toContain('Emma & James');
  });
});
