// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { LiveSectionOverlay } from '../src/live-section-overlay.tsx';
import { OfflineBanner } from '../src/offline-banner.tsx';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('LiveSectionOverlay and OfflineBanner', () => {
  test('R11.3 offline: grey overlay, relative "Last synced" that keeps updating, queue badge, controls disabled', () => {
    const lastSyncedAtMs = Date.now() - 60_000;
    render(
      <LiveSectionOverlay label="Team chat" offline lastSyncedAtMs={lastSyncedAtMs} queuedChanges={3}>
        <button type="button">Send</button>
      </LiveSectionOverlay>,
    );
    const section = screen.getByRole('region', { name: 'Team chat' });
    expect(section.getAttribute('data-offline')).toBe('true');
    expect(screen.getByRole('status').textContent).toContain('Last synced: 1 minute ago');
    expect(screen.getByRole('status').textContent).toContain('3 changes queued');
    expect(section.querySelector('.ws-live-section__content')?.hasAttribute('inert')).toBe(true);
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByRole('status').textContent).toContain('Last synced: 2 minutes ago');
  });

  test('R11.3 back online with a queue: sync button; while syncing: progress', () => {
    const onSync = vi.fn();
    const { rerender } = render(
      <LiveSectionOverlay label="Activity" offline={false} queuedChanges={2} onSync={onSync}>
        <p>feed</p>
      </LiveSectionOverlay>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(onSync).toHaveBeenCalledTimes(1);
    rerender(
      <LiveSectionOverlay label="Activity" offline={false} queuedChanges={1} syncProgress={{ done: 1, total: 2 }}>
        <p>feed</p>
      </LiveSectionOverlay>,
    );
    const bar = screen.getByRole('progressbar', { name: 'Sync progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('1');
    expect(bar.getAttribute('aria-valuemax')).toBe('2');
  });

  test('R11.1 the banner appears offline with the queue count, and disappears once online and drained', () => {
    const { rerender } = render(<OfflineBanner offline queuedChanges={4} lastSyncedAtMs={Date.now() - 30_000} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('You are offline.');
    expect(status.textContent).toContain('4 queued');
    expect(status.textContent).toContain('Last synced: 30 seconds ago');
    rerender(<OfflineBanner offline={false} queuedChanges={0} />);
    expect(screen.getByRole('status').textContent).toBe('');
  });
});
