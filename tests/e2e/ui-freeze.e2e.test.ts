import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { DESKTOP, launchBrowser, screenshot } from './harness/browser.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Starts collecting long tasks (main-thread work over 50 ms) in the page; returns a reader of the longest. */
async function watchLongTasks(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const store = window as unknown as { __longestTaskMs: number };
    store.__longestTaskMs = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) store.__longestTaskMs = Math.max(store.__longestTaskMs, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  return () => page.evaluate(() => (window as unknown as { __longestTaskMs: number }).__longestTaskMs);
}

describe('no UI freeze during large syncs', () => {
  test('UI freeze guard (R6.1, R12): 1,000 incoming activity items render without a long task over 200 ms', async () => {
    const context = await browser.newContext({ ...DESKTOP, baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/gallery');
    await page.getByRole('heading', { name: 'Component gallery' }).waitFor();
    await screenshot(page, 'gallery');
    const longestTaskMs = await watchLongTasks(page);
    await page.getByRole('button', { name: 'Add 1,000 activities' }).click();
    await page.getByRole('button', { name: /Bob booked a venue visit \(#1003\)/ }).waitFor();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const renderedRows = await page.locator('.ws-activity__row').count();
    expect(renderedRows).toBeLessThan(60);
    expect(await longestTaskMs()).toBeLessThan(200);
    await context.close();
  });

  test('R4.2 R5.3 gallery: conflict dialog and notification centre render for review', async () => {
    const context = await browser.newContext({ ...DESKTOP, baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/gallery');
    await page.getByRole('button', { name: /Notifications, 2 unread/ }).click();
    await page.getByRole('dialog', { name: 'Notification centre' }).waitFor();
    await screenshot(page, 'gallery-notification-centre');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Open conflict dialog' }).click();
    await page.getByRole('dialog', { name: 'Conflicting change to Dietary notes' }).waitFor();
    await screenshot(page, 'gallery-conflict-dialog');
    await page.getByRole('button', { name: 'Keep mine' }).click();
    await page.getByText('Resolved: mine').waitFor();
    await context.close();
  });
});
