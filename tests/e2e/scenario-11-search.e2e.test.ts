import type { Browser, Page } from 'playwright-core';
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

async function search(page: Page, query: string) {
  await page.getByRole('link', { name: 'Search' }).click();
  await page.getByRole('searchbox', { name: 'Search everything' }).fill(query);
}

const results = (page: Page) => page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
const summary = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

describe('acceptance scenario 11: real-time search', () => {
  test('R13 scenario 11 R14.2: open search results update when data changes — a new chat line and a venue change appear, an undone venue disappears; another business never sees them', async () => {
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    const bob = await logInAs(browser, server.url, 'Bob Turner');
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const noah = await logInAs(browser, server.url, 'Noah Fields');

    await search(sarah.page, 'zephyr');
    await search(noah.page, 'zephyr');
    await summary(sarah.page, '0 results, updating live').waitFor({ timeout: 15_000 });
    await summary(noah.page, '0 results, updating live').waitFor({ timeout: 15_000 });

    // Bob writes in team chat: Sarah's open results gain the line without her doing anything.
    await bob.page.getByRole('link', { name: 'Team' }).click();
    const bobChat = bob.page.getByRole('region', { name: 'Team chat' });
    await bobChat.getByRole('textbox', { name: 'Message' }).fill('Zephyr lens test on Saturday');
    await bobChat.getByRole('button', { name: 'Send' }).click();
    const chatHit = results(sarah.page).filter({ hasText: 'Team chat: Bob Turner' });
    await chatHit.waitFor({ timeout: 15_000 });
    expect(await chatHit.textContent()).toContain('Zephyr lens test on Saturday');
    await summary(sarah.page, '1 result, updating live').waitFor();

    // Emma renames the venue in WedMe: the wedding joins Sarah's results.
    const venue = emma.page.getByLabel('Venue');
    await expect.poll(() => venue.inputValue(), { timeout: 20_000 }).not.toBe('');
    const originalVenue = await venue.inputValue();
    await venue.fill('Zephyr Barn, Kent');
    await venue.blur();
    const weddingHit = results(sarah.page).filter({ hasText: 'Zephyr Barn, Kent' });
    await weddingHit.waitFor({ timeout: 15_000 });
    await summary(sarah.page, '2 results, updating live').waitFor();
    await screenshot(sarah.page, 'search-live');

    // She changes her mind: the hit leaves Sarah's results as live as it came.
    await venue.fill(originalVenue);
    await venue.blur();
    await weddingHit.waitFor({ state: 'detached', timeout: 15_000 });
    await summary(sarah.page, '1 result, updating live').waitFor();

    // Noah (Bloom Florals, not on this wedding, not on the LensLight team) saw none of it.
    expect(await results(noah.page).count()).toBe(0);
    await summary(noah.page, '0 results, updating live').waitFor();

    for (const person of [sarah, bob, emma, noah]) await person.context.close();
  });
});
