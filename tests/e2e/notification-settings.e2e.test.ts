import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { DESKTOP, launchBrowser, logInAs } from './harness/browser.ts';
import { getAsPerson } from './harness/server-api.ts';

/**
 * The notifications Settings page in a real browser (R5.2 preferences per channel and quiet hours,
 * R5.4 the delivery log; issue 7 items 2 and 4): Sarah turns SMS off and sets quiet hours, saves,
 * reloads and finds them kept, and the server's preferences API holds exactly that. The app runs on
 * the embedded default with no email provider, so after Emma submits a form the delivery log shows
 * Sarah's email as recorded, not sent.
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

const SUBMITTED = 'Form submitted: Photography questionnaire';

interface OutboxJob {
  notificationId: string;
  channel: string;
  status: string;
  deliveredVia?: string;
}

const settingsForm = (page: Page) => page.getByRole('form', { name: 'Notification settings' });
const channel = (page: Page, name: RegExp) => settingsForm(page).getByRole('checkbox', { name });

describe('notification settings page', () => {
  test('R5.2 R5.4 a supplier turns SMS off and sets quiet hours; both survive a reload and reach the server; a recorded email shows in the delivery log', async () => {
    // London time for the quiet hours: the page saves the browser's own time zone with them.
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett', { ...DESKTOP, timezoneId: 'Europe/London' });
    await sarah.page.getByRole('link', { name: 'Settings' }).click();
    await sarah.page.waitForURL('**/supplier/notifications');
    const form = settingsForm(sarah.page);
    await form.waitFor({ timeout: 15_000 });
    await expect.poll(() => channel(sarah.page, /^SMS for critical/).isChecked()).toBe(true);

    await channel(sarah.page, /^SMS for critical/).uncheck();
    await form.getByLabel('From').fill('22:00');
    await form.getByLabel('Until').fill('07:00');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await sarah.page.getByRole('status').getByText('Saved.').waitFor({ timeout: 10_000 });

    await sarah.page.reload();
    await form.waitFor({ timeout: 15_000 });
    expect(await channel(sarah.page, /^SMS for critical/).isChecked()).toBe(false);
    expect(await channel(sarah.page, /^Email for important/).isChecked()).toBe(true);
    expect(await channel(sarah.page, /^Push to my/).isChecked()).toBe(true);
    expect(await form.getByLabel('From').inputValue()).toBe('22:00');
    expect(await form.getByLabel('Until').inputValue()).toBe('07:00');
    await form.getByText('Quiet hours (Europe/London)').waitFor();

    // What the server keeps is what was chosen: SMS off for every trigger, the quiet hours in her zone.
    const { preferences } = await getAsPerson<{ preferences: Record<string, unknown> }>(
      server.url,
      sarah.page,
      '/api/notifications/preferences',
    );
    expect(preferences).toMatchObject({
      channels: { sms: false },
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/London' },
    });
    expect(preferences.channels).not.toHaveProperty('email');
    expect(preferences.quietHours).not.toHaveProperty('includeCritical');

    // A triggering change: Emma submits the questionnaire (important → bell and email to LensLight).
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    await emma.page.goto('/couple/forms/a-emma-questionnaire');
    await emma.page.getByRole('button', { name: 'Submit form' }).click();
    await emma.page.getByRole('button', { name: 'Submitted' }).waitFor({ timeout: 10_000 });

    // No email provider is configured: the outbox records the email instead of sending it.
    const recordedEmail = async () =>
      (await getAsPerson<{ jobs: OutboxJob[] }>(server.url, sarah.page, '/api/notifications/outbox')).jobs.find(
        (job) => job.channel === 'email' && job.notificationId.startsWith('form_submitted:'),
      );
    await expect.poll(async () => (await recordedEmail())?.deliveredVia, { timeout: 20_000 }).toBe('recorded');
    expect(await recordedEmail()).toMatchObject({ status: 'sent' });

    await sarah.page.reload();
    const log = sarah.page.getByRole('table', { name: 'Notification deliveries' });
    await log.waitFor({ timeout: 15_000 });
    const emailRow = log.getByRole('row').filter({ hasText: SUBMITTED }).filter({ hasText: 'Email' });
    await expect.poll(() => emailRow.count()).toBe(1);
    expect(await emailRow.getByRole('cell').allInnerTexts()).toEqual([
      expect.any(String),
      'Email',
      'sarah@lenslight.example',
      SUBMITTED,
      'Recorded — not sent, no provider configured',
    ]);
    const bellRow = log.getByRole('row').filter({ hasText: SUBMITTED }).filter({ hasText: 'In app' });
    expect(await bellRow.getByRole('cell').nth(2).textContent()).toBe('Bell and toasts');
    // SMS is off for her, and a submission is not critical anyway: no SMS row.
    expect(await log.getByRole('row').filter({ hasText: 'SMS' }).count()).toBe(0);
    for (const person of [sarah, emma]) await person.context.close();
  });
});
