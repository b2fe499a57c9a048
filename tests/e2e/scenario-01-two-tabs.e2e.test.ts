import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs } from './harness/browser.ts';
import { recordFieldsOnServer } from './harness/server-api.ts';

/**
 * Acceptance scenario 1 (SPEC): the same account in two tabs — a field updated in one appears in the
 * other. R3.1 (changes reach every tab of the person), R3.3 (glow and toast there too), R11.1 (each tab
 * has its own offline queue, so a tab's change is never taken for the other's).
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

describe('scenario 1: one account, two tabs', () => {
  test('R3.1 R3.3 R11.1 a field updated in one tab appears in the other, both ways, and both reach the server', async () => {
    const { context, page: first } = await logInAs(browser, server.url, 'Emma Wilson');
    const second = await context.newPage();
    await second.goto('/couple');
    await second.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 20_000 });
    // Each tab holds its own queue (one client id, one run of mutation ids per tab).
    const queueKeys = await Promise.all(
      [first, second].map((tab) => tab.evaluate(() => sessionStorage.getItem('wedsync.queue-key.u-emma'))),
    );
    expect(queueKeys[0]).not.toBeNull();
    expect(queueKeys[0]).not.toBe(queueKeys[1]);

    const guests = [first, second].map((tab) => tab.getByLabel('Guest count'));
    await expect.poll(() => guests[1]!.inputValue(), { timeout: 20_000 }).not.toBe('');
    const before = Number(await guests[0]!.inputValue());
    await guests[0]!.fill(String(before + 7));
    await guests[0]!.blur();
    await expect.poll(() => guests[1]!.inputValue(), { timeout: 10_000 }).toBe(String(before + 7));
    await second.getByText(`You changed guest count ${before} → ${before + 7}`).waitFor({ timeout: 10_000 });

    const venue = 'The Orangery, Kew';
    await second.getByLabel('Venue').fill(venue);
    await second.getByLabel('Venue').blur();
    await expect.poll(() => first.getByLabel('Venue').inputValue(), { timeout: 10_000 }).toBe(venue);

    await expect
      .poll(() => weddingOnServer(first), { timeout: 10_000 })
      .toMatchObject({ guestCount: before + 7, venue });
    await context.close();
  });
});
