import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs } from './harness/browser.ts';
import { recordFieldsOnServer } from './harness/server-api.ts';

/**
 * R11.1 "nothing anyone typed is ever lost": text typed in a shared long answer and the page reloaded
 * at once — inside the 500 ms the editor waits before saving, with the field still focused — is in
 * the answer after the reload and on the server. The draft goes into the durable queue as the page
 * hides, and the reloaded page sends it.
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

describe('a draft and a reload', () => {
  test('R11.1 R4.2 text typed just before a reload is kept and reaches the server', async () => {
    const { context, page } = await logInAs(browser, server.url, 'Emma Wilson');
    await page.goto('/couple/forms/a-emma-questionnaire');
    const shots = page.getByRole('textbox', { name: 'Must-have shots (required)' });
    await expect.poll(() => shots.inputValue(), { timeout: 20_000 }).not.toBe('');
    const original = await shots.inputValue();

    await shots.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Confetti exit.');
    await page.reload();

    const expected = `${original} Confetti exit.`;
    const reloaded = page.getByRole('textbox', { name: 'Must-have shots (required)' });
    await expect.poll(() => reloaded.inputValue(), { timeout: 20_000 }).toBe(expected);
    await expect
      .poll(async () => (await answerOnServer(page, 'a-emma-questionnaire.q3')).longText, { timeout: 20_000 })
      .toBe(expected);
    await context.close();
  });
});
