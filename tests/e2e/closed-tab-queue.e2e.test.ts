import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs } from './harness/browser.ts';
import { recordFieldsOnServer } from './harness/server-api.ts';

/**
 * R11.1 R11.2: a change made offline in a tab that is then closed is not stranded in that tab's queue
 * until the person opens another tab — a tab that is still open sends it once the browser is back
 * online (the closed tab dropped its queue's lease as it went; the open one adopts the queue).
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

async function venueOnServer(page: Page): Promise<unknown> {
  return (await recordFieldsOnServer(server.url, page, 'wedding:w-emma-james', 'weddings', 'w-emma-james')).venue;
}

/** Mutations waiting in this tab's own queue (its key is in sessionStorage, the queue in localStorage). */
function queuedInTab(page: Page): Promise<number> {
  return page.evaluate(() => {
    const key = sessionStorage.getItem('wedsync.queue-key.u-emma');
    const saved = key ? (JSON.parse(localStorage.getItem(key) ?? 'null') as { pending?: unknown[] } | null) : null;
    return saved?.pending?.length ?? 0;
  });
}

describe('a closed tab’s queued changes', () => {
  test('R11.1 R11.2 a change queued offline in a tab that is then closed is sent by the tab still open', async () => {
    const { context, page: closing } = await logInAs(browser, server.url, 'Emma Wilson');
    const staying = await context.newPage();
    await staying.goto('/couple');
    for (const tab of [closing, staying]) {
      await tab.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 20_000 });
      await expect.poll(() => tab.getByLabel('Venue').inputValue(), { timeout: 20_000 }).not.toBe('');
    }

    await context.setOffline(true);
    await closing.getByRole('status', { name: /Connection: (reconnecting|offline)/ }).waitFor({ timeout: 20_000 });
    const venue = 'Syon Park Great Conservatory';
    await closing.getByLabel('Venue').fill(venue);
    await closing.getByLabel('Venue').blur();
    await expect.poll(() => queuedInTab(closing), { timeout: 10_000 }).toBeGreaterThan(0);
    await closing.close();

    await context.setOffline(false);
    await staying.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => venueOnServer(staying), { timeout: 40_000 }).toBe(venue);
    await expect.poll(() => staying.getByLabel('Venue').inputValue(), { timeout: 10_000 }).toBe(venue);
    await context.close();
  });
});
