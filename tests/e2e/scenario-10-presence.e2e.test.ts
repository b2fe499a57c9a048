import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs } from './harness/browser.ts';

/**
 * Acceptance scenario 10 (SPEC): presence indicators are accurate — join, idle, leave — between a
 * couple and their supplier (the team side is in app-shell.e2e.test.ts). R4.3 (avatars, green active /
 * grey idle, "Viewing" on client profiles), R3.4 ("Currently filling" from presence on `form:{id}`).
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

function onlineNow(page: Page) {
  return page.getByRole('banner').getByRole('list', { name: /^Online now/ });
}

async function hideTab(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe('scenario 10: presence between a couple and their supplier', () => {
  test('R4.3 Emma sees Sarah join her wedding as Viewing, turn idle when Sarah’s tab is hidden, and leave', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await sarah.page.goto('/supplier/clients/w-emma-james');
    await onlineNow(emma.page)
      .getByText('Sarah Bennett (active, viewing, in Client profile)')
      .waitFor({ state: 'attached', timeout: 20_000 });
    await hideTab(sarah.page);
    await onlineNow(emma.page)
      .getByText('Sarah Bennett (idle, viewing')
      .waitFor({ state: 'attached', timeout: 10_000 });
    await sarah.page.getByRole('link', { name: 'Calendar' }).first().click();
    await onlineNow(emma.page).getByText('Sarah Bennett').waitFor({ state: 'detached', timeout: 10_000 });
    await emma.context.close();
    await sarah.context.close();
  });

  test('R3.4 R4.3 Sarah sees "Currently filling: Emma" while Emma is on the form, and no longer once she leaves it', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await sarah.page.goto('/supplier/clients/w-emma-james');
    const status = sarah.page.getByRole('region', { name: 'Photography questionnaire (live)' });
    await status.getByText('Not being filled').waitFor({ timeout: 20_000 });
    await emma.page.goto('/couple/forms/a-emma-questionnaire');
    await status.getByText('Currently filling: Emma Wilson').waitFor({ timeout: 15_000 });
    await emma.page.getByRole('button', { name: '← All forms' }).click();
    await status.getByText('Not being filled').waitFor({ timeout: 15_000 });
    await emma.context.close();
    await sarah.context.close();
  });
});
