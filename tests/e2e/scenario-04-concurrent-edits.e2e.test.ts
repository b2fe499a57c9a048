import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, screenshot } from './harness/browser.ts';
import { recordFieldsOnServer } from './harness/server-api.ts';

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

function answerOnServer(page: Page, id: string): Promise<Record<string, unknown>> {
  return recordFieldsOnServer(server.url, page, 'wedding:w-emma-james', 'form_answers', id);
}

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

  test('R4.2 R4.3 R3.4 both partners type in one long answer at once: both edits survive, each sees the other typing and where', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, server.url, 'James Carter');
    for (const person of [emma, james]) await person.page.goto('/couple/forms/a-emma-questionnaire');
    const label = 'Must-have shots (required)';
    const emmaShots = emma.page.getByRole('textbox', { name: label });
    const jamesShots = james.page.getByRole('textbox', { name: label });
    await expect.poll(() => emmaShots.inputValue(), { timeout: 20_000 }).not.toBe('');
    const original = await emmaShots.inputValue();
    await expect.poll(() => jamesShots.inputValue(), { timeout: 20_000 }).toBe(original);

    await jamesShots.click();
    await james.page.keyboard.press('Control+Home');
    await emma.page.getByText(/James Carter is at line 1, character 1$/).waitFor({ timeout: 10_000 });
    await emmaShots.click();
    await emma.page.keyboard.press('Control+End');
    await Promise.all([
      james.page.keyboard.type('Sunrise portraits; ', { delay: 35 }),
      emma.page.keyboard.type(' Also a drone shot.', { delay: 35 }),
    ]);
    await emma.page.getByText('James Carter is typing…').first().waitFor({ timeout: 10_000 });
    await screenshot(emma.page, 'collaborative-text');
    await Promise.all([emmaShots.blur(), jamesShots.blur()]);

    const merged = `Sunrise portraits; ${original} Also a drone shot.`;
    await expect.poll(() => emmaShots.inputValue(), { timeout: 15_000 }).toBe(merged);
    await expect.poll(() => jamesShots.inputValue(), { timeout: 15_000 }).toBe(merged);
    await expect
      .poll(async () => (await answerOnServer(emma.page, 'a-emma-questionnaire.q3')).longText, { timeout: 10_000 })
      .toBe(merged);
    await emma.context.close();
    await james.context.close();
  });

  test('R4.2 last write wins per field: James and Emma change different fields at once and both changes stay', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, server.url, 'James Carter');
    await expect.poll(() => james.page.getByLabel('Venue').inputValue(), { timeout: 20_000 }).not.toBe('');
    await expect.poll(() => emma.page.getByLabel('Guest count').inputValue(), { timeout: 20_000 }).not.toBe('');
    await Promise.all([
      (async () => {
        await emma.page.getByLabel('Guest count').fill('142');
        await emma.page.getByLabel('Guest count').blur();
      })(),
      (async () => {
        await james.page.getByLabel('Venue').fill('Syon Park, London');
        await james.page.getByLabel('Venue').blur();
      })(),
    ]);
    for (const page of [emma.page, james.page]) {
      await expect.poll(() => page.getByLabel('Guest count').inputValue(), { timeout: 10_000 }).toBe('142');
      await expect.poll(() => page.getByLabel('Venue').inputValue(), { timeout: 10_000 }).toBe('Syon Park, London');
    }
    await emma.context.close();
    await james.context.close();
  });

  test('R4.2 R15.1 manual field: a date edited offline against a newer one opens the conflict dialog; keeping mine is a new version everyone sees', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, server.url, 'James Carter');
    const emmaDate = emma.page.getByLabel('Wedding date');
    const jamesDate = james.page.getByLabel('Wedding date');
    await expect.poll(() => emmaDate.inputValue(), { timeout: 20_000 }).not.toBe('');
    const before = await emmaDate.inputValue();
    await emma.context.setOffline(true);
    await emma.page.getByText('You are offline.').waitFor({ timeout: 10_000 });
    await emmaDate.fill('2027-07-03');
    await emmaDate.blur();
    await jamesDate.fill('2027-09-18');
    await jamesDate.blur();
    await james.page.getByText('Saving…').waitFor({ state: 'detached', timeout: 10_000 });
    await emma.context.setOffline(false);

    const dialog = emma.page.getByRole('dialog', { name: 'Conflicting change to wedding date' });
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.getByRole('region', { name: 'Your version' }).textContent()).toContain('2027-07-03');
    expect(await dialog.getByRole('region', { name: "James's version" }).textContent()).toContain('2027-09-18');
    expect(await dialog.textContent()).toContain(`Before both edits: ${before}`);
    await screenshot(emma.page, 'conflict-dialog');
    await dialog.getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(() => jamesDate.inputValue(), { timeout: 15_000 }).toBe('2027-07-03');
    await expect.poll(() => emmaDate.inputValue(), { timeout: 15_000 }).toBe('2027-07-03');
    await emma.context.close();
    await james.context.close();
  });

  test('R4.2 version history: Emma rolls the venue back to the version before her change; it is a new version James sees at once', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, server.url, 'James Carter');
    const emmaVenue = emma.page.getByLabel('Venue');
    await expect.poll(() => emmaVenue.inputValue(), { timeout: 20_000 }).not.toBe('');
    const before = await emmaVenue.inputValue();
    await emmaVenue.fill('Chiswick House');
    await emmaVenue.blur();
    await expect.poll(() => james.page.getByLabel('Venue').inputValue(), { timeout: 10_000 }).toBe('Chiswick House');

    await emma.page.getByRole('button', { name: 'Version history' }).click();
    const panel = emma.page.getByRole('region', { name: 'Version history of the wedding details' });
    await panel.getByText('Venue → Chiswick House').waitFor({ timeout: 10_000 });
    await panel
      .getByRole('button', { name: /^Roll back to version \d+$/ })
      .first()
      .click();
    await panel.getByRole('button', { name: 'Confirm rollback' }).click();
    await expect.poll(() => james.page.getByLabel('Venue').inputValue(), { timeout: 10_000 }).toBe(before);
    await panel
      .getByText(/Rolled back to version \d+/)
      .first()
      .waitFor({ timeout: 10_000 });
    await emma.context.close();
    await james.context.close();
  });

  test('R3.4 R4.2 a supplier note on a form reaches the couple at once, and both write in it', async () => {
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await emma.page.goto('/couple/forms/a-emma-questionnaire');
    await sarah.page.goto('/supplier/clients/w-emma-james');
    const live = sarah.page.getByRole('region', { name: 'Photography questionnaire (live)' });
    await live.getByRole('button', { name: 'Add a note for the couple' }).click({ timeout: 20_000 });
    const sarahNote = live.getByRole('textbox', { name: 'Note on Photography questionnaire text' });
    await sarahNote.click();
    await sarah.page.keyboard.type('Golden hour is at 19:40.', { delay: 20 });
    await sarahNote.blur();

    const emmaNote = emma.page
      .getByRole('region', { name: 'Notes from your supplier' })
      .getByRole('textbox', { name: 'Note on Photography questionnaire text' });
    await expect.poll(() => emmaNote.inputValue(), { timeout: 15_000 }).toBe('Golden hour is at 19:40.');
    await emmaNote.click();
    await emma.page.keyboard.press('Control+End');
    await emma.page.keyboard.type(' Perfect for the lake shots!', { delay: 20 });
    await emmaNote.blur();
    await expect
      .poll(() => sarahNote.inputValue(), { timeout: 15_000 })
      .toBe('Golden hour is at 19:40. Perfect for the lake shots!');
    await emma.context.close();
    await sarah.context.close();
  });
});
