import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs } from './harness/browser.ts';
import { recordFieldsOnServer } from './harness/server-api.ts';

/**
 * Acceptance scenario 9 (SPEC): reconnection after a server restart, without losing acknowledged
 * changes. The real server process is stopped (SIGTERM) and started again on the same port and
 * embedded database. R1.4 (reconnect with backoff by itself), R11.2 (resume from the last seq, the
 * queue made meanwhile applied once), DESIGN §1 (acknowledged only after commit, so never lost).
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

function weddingOnServer(page: Page): Promise<Record<string, unknown>> {
  return recordFieldsOnServer(server.url, page, 'wedding:w-emma-james', 'weddings', 'w-emma-james');
}

describe('scenario 9: the server restarts', () => {
  test('R1.4 R11.2 both people reconnect by themselves; the acknowledged change survives and the one made while the server was down arrives', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await sarah.page.goto('/supplier/clients/w-emma-james');
    const sarahVenue = sarah.page.getByLabel('Venue');
    const sarahGuests = sarah.page.getByLabel('Guest count');
    await expect.poll(() => sarahVenue.inputValue(), { timeout: 20_000 }).not.toBe('');

    // Acknowledged before the restart: saved on the server, seen by Sarah, nothing left in Emma's queue.
    await emma.page.getByLabel('Venue').fill('Hampton Court Palace');
    await emma.page.getByLabel('Venue').blur();
    await expect.poll(() => sarahVenue.inputValue(), { timeout: 10_000 }).toBe('Hampton Court Palace');
    await emma.page.getByText('Saving…').waitFor({ state: 'detached', timeout: 10_000 });

    await server.stop();
    for (const page of [emma.page, sarah.page]) {
      await page
        .getByRole('status', { name: /Connection: (reconnecting|disconnected|connecting)/ })
        .waitFor({ timeout: 20_000 });
    }
    const guests = Number(await emma.page.getByLabel('Guest count').inputValue());
    await emma.page.getByLabel('Guest count').fill(String(guests + 4));
    await emma.page.getByLabel('Guest count').blur();
    await emma.page.getByText('1 queued').waitFor({ timeout: 10_000 });

    await server.restart();
    for (const page of [emma.page, sarah.page]) {
      await page.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 45_000 });
    }
    await expect.poll(() => sarahGuests.inputValue(), { timeout: 15_000 }).toBe(String(guests + 4));
    expect(await sarahVenue.inputValue()).toBe('Hampton Court Palace');
    await emma.page.getByText(/\d+ queued/).waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => weddingOnServer(emma.page), { timeout: 10_000 })
      .toMatchObject({ venue: 'Hampton Court Palace', guestCount: guests + 4 });
    await emma.context.close();
    await sarah.context.close();
  });
});
