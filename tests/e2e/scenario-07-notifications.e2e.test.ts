import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, screenshot } from './harness/browser.ts';
import { getAsPerson } from './harness/server-api.ts';

/**
 * Acceptance scenario 7 (SPEC): a notification reaches every device of the user. Sarah is logged in
 * on two devices (two browser contexts: own storage, own socket); Emma submits a form. R5.1 (toast
 * and bell), R5.2 (form submission trigger), R5.3 (unread badge, mark read/unread, clear all — read
 * on one device is read on all), R3.4 (a submission notifies the supplier at once).
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

const TITLE = 'Form submitted: Photography questionnaire';

function bell(page: Page, unread: number) {
  const name = unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`;
  return page.getByRole('button', { name, exact: true });
}

function bellOnServer(page: Page): Promise<{ notifications: { title: string; readAtMs: number | null }[] }> {
  return getAsPerson(server.url, page, '/api/notifications');
}

describe('scenario 7: a notification reaches every device', () => {
  test('R5.1 R5.3 R3.4 a form submission toasts on both of Sarah’s devices; read, unread and clear on one apply to the other', async () => {
    const laptop = await logInAs(browser, server.url, 'Sarah Bennett');
    const phone = await logInAs(browser, server.url, 'Sarah Bennett');
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    for (const device of [laptop, phone]) await bell(device.page, 0).waitFor({ timeout: 15_000 });

    await emma.page.goto('/couple/forms/a-emma-questionnaire');
    await emma.page.getByRole('button', { name: 'Submit form' }).click();
    await emma.page.getByRole('button', { name: 'Submitted' }).waitFor({ timeout: 10_000 });

    for (const device of [laptop, phone]) {
      await device.page.locator('.ws-toast').getByText(TITLE).waitFor({ timeout: 20_000 });
      await bell(device.page, 1).waitFor({ timeout: 20_000 });
    }

    await bell(laptop.page, 1).click();
    const centre = laptop.page.getByRole('dialog', { name: 'Notification centre' });
    await centre.getByText(TITLE).waitFor();
    await screenshot(laptop.page, 'notification-centre');
    await centre.getByRole('button', { name: `Mark as read: ${TITLE}` }).click();
    await bell(phone.page, 0).waitFor({ timeout: 10_000 });
    await bell(laptop.page, 0).waitFor();

    await bell(phone.page, 0).click();
    const phoneCentre = phone.page.getByRole('dialog', { name: 'Notification centre' });
    await phoneCentre.getByRole('button', { name: `Mark as unread: ${TITLE}` }).click();
    await bell(laptop.page, 1).waitFor({ timeout: 10_000 });

    await centre.getByRole('button', { name: 'Clear all' }).click();
    await phoneCentre.getByText("You're all caught up.").waitFor({ timeout: 10_000 });
    await bell(phone.page, 0).waitFor();
    await expect.poll(async () => (await bellOnServer(laptop.page)).notifications.length, { timeout: 10_000 }).toBe(0);
    for (const person of [laptop, phone, emma]) await person.context.close();
  });
});
