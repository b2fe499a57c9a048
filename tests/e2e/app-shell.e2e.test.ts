import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { DESKTOP, launchBrowser, logInAs, PHONE, screenshot } from './harness/browser.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('web app shell in a real browser', () => {
  test('issue 5: the login screen lists the seeded people of both apps', async () => {
    const context = await browser.newContext({ ...DESKTOP, baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to WedSync' }).waitFor();
    for (const name of ['Emma Wilson', 'James Carter', 'Sarah Bennett', 'Bob Turner']) {
      expect(await page.getByRole('button', { name: `Log in as ${name}` }).isVisible()).toBe(true);
    }
    await screenshot(page, 'login');
    await context.close();
  });

  test('R1.1 R1.6 after login the indicator is top-right, green, and shows details with channels', async () => {
    const { context, page } = await logInAs(browser, server.url, 'Sarah Bennett');
    const status = page.getByRole('status', { name: 'Connection: connected' });
    const box = await status.boundingBox();
    const viewport = page.viewportSize();
    expect(box && viewport).toBeTruthy();
    if (box && viewport) {
      expect(box.x + box.width).toBeGreaterThan(viewport.width * 0.8);
      expect(box.y).toBeLessThan(80);
    }
    expect(await page.locator('.ws-conn').getAttribute('data-tone')).toBe('green');
    await page.getByRole('button', { name: /Connection details/ }).click();
    const details = page.getByRole('dialog', { name: 'Connection' });
    await details
      .getByText(/^supplier:/)
      .first()
      .waitFor();
    expect(await details.textContent()).toMatch(/Latency/);
    await screenshot(page, 'supplier-dashboard');
    await context.close();
  });

  test('R1.4 R11.1 going offline turns the indicator to reconnecting with the offline banner; back online it is green again', async () => {
    const { context, page } = await logInAs(browser, server.url, 'Emma Wilson');
    await context.setOffline(true);
    await page.getByRole('status', { name: /Connection: (reconnecting|offline)/ }).waitFor();
    await page.getByText('You are offline.').waitFor();
    await screenshot(page, 'offline');
    await context.setOffline(false);
    await page.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 20_000 });
    expect(await page.getByText('You are offline.').count()).toBe(0);
    await context.close();
  });

  test('R13.2 at 390×844 the sync status lives in the mobile top bar', async () => {
    const { context, page } = await logInAs(browser, server.url, 'James Carter', PHONE);
    const bar = page.locator('.ws-mobilebar');
    expect(await bar.isVisible()).toBe(true);
    expect(await bar.getByText(/Synced/).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Sync settings' }).click();
    expect(await page.getByRole('region', { name: 'Sync settings' }).isVisible()).toBe(true);
    await screenshot(page, 'mobile');
    await context.close();
  });

  test('R10.1 R4.3 scenario 10: team presence is accurate on join, idle and leave, with where each member is', async () => {
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    const bob = await logInAs(browser, server.url, 'Bob Turner');
    await sarah.page.getByRole('link', { name: 'Team' }).click();
    await sarah.page
      .getByRole('region', { name: 'Where the team is' })
      .getByText('Bob Turner', { exact: true })
      .waitFor();
    expect(await sarah.page.getByRole('list', { name: /Online now/ }).textContent()).toContain('Bob Turner (active');
    // Bob's tab goes to the background: he turns idle (grey) for Sarah.
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await sarah.page
      .getByRole('list', { name: /Online now/ })
      .getByText('Bob Turner (idle')
      .waitFor();
    await bob.context.close();
    await sarah.page.getByRole('list', { name: 'Online now: 1' }).waitFor();
    await sarah.context.close();
  });

  test('R16.2 the sync performance page shows the server figures and history graphs', async () => {
    const { context, page } = await logInAs(browser, server.url, 'Sarah Bennett');
    await page.getByRole('link', { name: 'Sync' }).click();
    const dashboard = page.getByRole('region', { name: 'Sync performance' });
    await dashboard.getByText('Connections: 1').waitFor({ timeout: 20_000 });
    await dashboard.getByRole('img', { name: /Messages \/ s: now/ }).waitFor({ timeout: 20_000 });
    expect(await dashboard.getByRole('table').textContent()).toContain('all channels (server)');

    // R12.1 R16.1: the page's SDK telemetry is sent at once when the page hides; the history of all
    // clients (GET /api/analytics) then counts it when the page is visible again.
    const telemetrySent = page.waitForResponse(
      (response) => response.url().endsWith('/api/telemetry') && response.request().method() === 'POST',
    );
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect((await telemetrySent).status()).toBe(204);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const history = page.getByRole('region', { name: 'Sync history' });
    await history.getByText(/^[1-9]\d* client reports?, /).waitFor({ timeout: 20_000 });
    await history.getByRole('img', { name: /^Uptime \(clients\): now \d/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'sync-dashboard');
    await context.close();
  });
});
