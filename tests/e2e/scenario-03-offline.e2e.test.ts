import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, screenshot } from './harness/browser.ts';
import { getAsPerson } from './harness/server-api.ts';

/**
 * Acceptance scenario 3 (SPEC): offline — changes made while disconnected sync after reconnecting, in
 * order, none lost. The browser's own offline mode, a page reload while offline (the service worker
 * serves the app, the queue comes back from localStorage), then back online. R11.1 (queued locally,
 * in order, surviving a reload), R11.2 (applied in order, nothing lost or applied twice, progress),
 * R11.3 (queue count badge), R1.4 (reconnect at once when the browser is back online).
 */
let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

interface HistoryEntry {
  v: number;
  by: string;
  changed: string[];
  fields: Record<string, unknown>;
}

async function weddingHistory(page: Page): Promise<HistoryEntry[]> {
  const body = await getAsPerson<{ entries: HistoryEntry[] }>(
    server.url,
    page,
    '/api/records/weddings/w-emma-james/history?limit=50',
  );
  return body.entries;
}

async function edit(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label);
  await field.fill(value);
  await field.blur();
}

describe('scenario 3: offline changes', () => {
  test('R11.1 R11.2 R11.3 changes made offline, across a reload while offline, sync in order once back — none lost', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await sarah.page.goto('/supplier/clients/w-emma-james');
    const sarahGuests = sarah.page.getByLabel('Guest count');
    const emmaGuests = emma.page.getByLabel('Guest count');
    await expect.poll(() => sarahGuests.inputValue(), { timeout: 20_000 }).not.toBe('');
    await expect.poll(() => emmaGuests.inputValue(), { timeout: 20_000 }).not.toBe('');
    const start = Number(await emmaGuests.inputValue());
    // The service worker keeps the app shell, so the page can be reloaded without a network.
    await emma.page.waitForFunction(
      async () => navigator.serviceWorker.controller !== null && (await caches.keys()).includes('wedsync-shell-v1'),
      null,
      { timeout: 20_000 },
    );

    await emma.context.setOffline(true);
    await emma.page.getByText('You are offline.').waitFor({ timeout: 10_000 });
    await edit(emma.page, 'Guest count', String(start + 1));
    await edit(emma.page, 'Venue', 'Kew Gardens, London');
    await edit(emma.page, 'Guest count', String(start + 2));
    await emma.page.getByText('3 queued').waitFor({ timeout: 10_000 });
    expect(await sarahGuests.inputValue()).toBe(String(start));

    await emma.page.reload();
    await emma.page.getByText('You are offline.').waitFor({ timeout: 15_000 });
    await expect.poll(() => emmaGuests.inputValue(), { timeout: 15_000 }).toBe(String(start + 2));
    expect(await emma.page.getByLabel('Venue').inputValue()).toBe('Kew Gardens, London');
    await emma.page.getByText('3 queued').waitFor({ timeout: 10_000 });
    await edit(emma.page, 'Guest count', String(start + 3));
    await emma.page.getByText('4 queued').waitFor({ timeout: 10_000 });
    await screenshot(emma.page, 'offline-queued-after-reload');

    await emma.context.setOffline(false);
    await emma.page.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => sarahGuests.inputValue(), { timeout: 15_000 }).toBe(String(start + 3));
    await expect
      .poll(() => sarah.page.getByLabel('Venue').inputValue(), { timeout: 15_000 })
      .toBe('Kew Gardens, London');
    await emma.page.getByText(/\d+ queued/).waitFor({ state: 'detached', timeout: 15_000 });

    // On the server: every change once, in the order it was made.
    const mine = (await weddingHistory(emma.page))
      .filter((entry) => entry.by === 'u-emma' && entry.v > 0)
      .sort((a, b) => a.v - b.v);
    const made = mine
      .filter((entry) => entry.changed.includes('guestCount') || entry.changed.includes('venue'))
      .map((entry) =>
        entry.changed.includes('venue') ? `venue=${entry.fields.venue}` : `guests=${entry.fields.guestCount}`,
      );
    expect(made.slice(-4)).toEqual([
      `guests=${start + 1}`,
      'venue=Kew Gardens, London',
      `guests=${start + 2}`,
      `guests=${start + 3}`,
    ]);
    await emma.context.close();
    await sarah.context.close();
  });
});
