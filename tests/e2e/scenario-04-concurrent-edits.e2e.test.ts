import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, screenshot } from './harness/browser.ts';

/**
 * Acceptance scenario 4 (SPEC): two users edit the same field at once — the lock and merge rules hold.
 * R4.1 (lock taken on focus, others read-only with the holder's name, released on blur long before the
 * 30 s timeout), R4.2 (concurrent text edits both survive), R3.4.
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

describe('scenario 4: two people edit the same field', () => {
  test('R4.1 the lock holds while James edits the venue and is released on blur (not after 30 s)', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, server.url, 'James Carter');
    const jamesVenue = james.page.getByLabel('Venue');
    const emmaVenue = emma.page.getByLabel('Venue');
    await expect.poll(() => jamesVenue.inputValue(), { timeout: 20_000 }).not.toBe('');
    await expect.poll(() => emmaVenue.inputValue(), { timeout: 20_000 }).not.toBe('');

    await jamesVenue.focus();
    await emma.page.getByText('James Carter is editing this field').waitFor({ timeout: 10_000 });
    expect(await emmaVenue.getAttribute('readonly')).not.toBeNull();
    // James keeps his focus and can type: his own lock never turns his field read-only.
    expect(await jamesVenue.evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await jamesVenue.getAttribute('readonly')).toBeNull();
    await screenshot(emma.page, 'lock');

    const releasedWithinMs = 10_000;
    await jamesVenue.blur();
    await emma.page
      .getByText('James Carter is editing this field')
      .waitFor({ state: 'detached', timeout: releasedWithinMs });
    expect(await emmaVenue.getAttribute('readonly')).toBeNull();

    // The lock is really free on the server: Emma takes it, and James now sees hers.
    await emmaVenue.focus();
    await james.page.getByText('Emma Wilson is editing this field').waitFor({ timeout: 10_000 });
    await emmaVenue.blur();
    await james.page
      .getByText('Emma Wilson is editing this field')
      .waitFor({ state: 'detached', timeout: releasedWithinMs });
    await emma.context.close();
    await james.context.close();
  });
});
