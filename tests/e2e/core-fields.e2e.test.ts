import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, screenshot } from './harness/browser.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('core fields live between the couple and their suppliers', () => {
  test('R3.1 R3.3 scenario 2: Emma changes the guest count and the wedding date; Sarah sees both at once, with glow and toast', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await sarah.page.getByRole('button', { name: /^Emma & James/ }).click();
    const sarahGuests = sarah.page.getByLabel('Guest count');
    await expect.poll(() => sarahGuests.inputValue(), { timeout: 20_000 }).not.toBe('');
    const before = await sarahGuests.inputValue();
    const after = String(Number(before) + 30);

    const emmaGuests = emma.page.getByLabel('Guest count');
    await expect.poll(() => emmaGuests.inputValue(), { timeout: 20_000 }).toBe(before);
    await emmaGuests.fill(after);
    await emmaGuests.blur();

    await expect.poll(() => sarahGuests.inputValue(), { timeout: 10_000 }).toBe(after);
    await sarah.page.getByText(`Emma changed guest count ${before} → ${after}`).waitFor({ timeout: 10_000 });
    expect(await sarah.page.locator('.ws-glow[data-glowing="true"]').count()).toBeGreaterThan(0);
    await screenshot(sarah.page, 'supplier-sees-guest-count');

    const emmaDate = emma.page.getByLabel('Wedding date');
    await emmaDate.fill('2027-06-12');
    await emmaDate.blur();
    await expect.poll(() => sarah.page.getByLabel('Wedding date').inputValue(), { timeout: 10_000 }).toBe('2027-06-12');
    await screenshot(emma.page, 'couple-app');
    await emma.context.close();
    await sarah.context.close();
  });

  test('R4.1 scenario 4 (lock part): while James edits the venue, Emma sees it read-only with his name', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, server.url, 'James Carter');
    await expect.poll(() => james.page.getByLabel('Venue').inputValue(), { timeout: 20_000 }).not.toBe('');
    await james.page.getByLabel('Venue').focus();
    await emma.page.getByText('James Carter is editing this field').waitFor({ timeout: 10_000 });
    expect(await emma.page.getByLabel('Venue').getAttribute('readonly')).not.toBeNull();
    await screenshot(emma.page, 'lock');
    await emma.context.close();
    await james.context.close();
  });
});
