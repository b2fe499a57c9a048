import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, test, vi } from 'vitest';

/** apps/web/public/push-sw.js run as a service worker would run it, with its `self` recorded. */
function loadWorker() {
  const code = readFileSync(new URL('../public/push-sw.js', import.meta.url), 'utf8');
  const listeners = new Map<string, (event: unknown) => void>();
  const showNotification = vi.fn(async (_title: string, _options: Record<string, unknown>) => {});
  const openWindow = vi.fn(async (_url: string) => null);
  const self = {
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    registration: { showNotification },
    clients: { matchAll: async () => [], openWindow },
    location: { origin: 'https://app.wedsync.example' },
  };
  runInNewContext(code, { self, URL, Date, Promise });
  const dispatch = async (type: string, event: Record<string, unknown>) => {
    const waits: Promise<unknown>[] = [];
    listeners.get(type)!({ ...event, waitUntil: (promise: Promise<unknown>) => waits.push(promise) });
    await Promise.all(waits);
  };
  return { dispatch, showNotification, openWindow };
}

describe('the push service worker (R5.1 push, issue 7 item 4)', () => {
  test('R5.1 a push shows the notification, tagged with its id so a resent push replaces it; critical stays until acted on', async () => {
    const worker = loadWorker();
    const toast = {
      id: 'meeting_reminder:mt-1:1:u-emma',
      trigger: 'meeting_reminder',
      importance: 'critical',
      title: 'Starting soon: Quick call',
      body: '“Quick call” starts at 12:00 UTC (in 20 min)',
      link: '/couple',
      createdAt: '2026-01-15T12:00:00.000Z',
    };
    await worker.dispatch('push', { data: { json: () => toast } });
    await worker.dispatch('push', { data: { json: () => toast } });
    expect(worker.showNotification).toHaveBeenCalledTimes(2);
    const [title, options] = worker.showNotification.mock.calls[1]!;
    expect(title).toBe('Starting soon: Quick call');
    expect(options).toMatchObject({
      body: toast.body,
      tag: toast.id,
      renotify: false,
      requireInteraction: true,
      timestamp: Date.parse(toast.createdAt),
      data: { id: toast.id, link: '/couple' },
    });
  });

  test('R5.1 a click with no open tab opens the notification’s link in the app', async () => {
    const worker = loadWorker();
    const close = vi.fn();
    await worker.dispatch('notificationclick', { notification: { close, data: { id: 'n1', link: '/supplier' } } });
    expect(close).toHaveBeenCalled();
    expect(worker.openWindow).toHaveBeenCalledWith('https://app.wedsync.example/supplier');
  });
});
