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

const TEAM = ['Bob Turner', 'Sarah Bennett', 'Vera Quinn'];

/** Books a meeting through the calendar's form: today at `time`, one hour, exactly these attendees. */
async function book(page: Page, meeting: { title: string; time: string; client?: string; attendees: string[] }) {
  const form = page.getByRole('form', { name: 'New meeting' });
  await form.getByLabel('Title').fill(meeting.title);
  await form.getByLabel('Client').selectOption({ label: meeting.client ?? 'Team only' });
  await form.getByLabel('Start').fill(meeting.time);
  for (const name of TEAM) await form.getByLabel(name).setChecked(meeting.attendees.includes(name));
  await form.getByRole('button', { name: 'Book meeting' }).click();
}

const eventButton = (page: Page, label: string | RegExp) => page.getByRole('button', { name: label });

describe('acceptance scenario 12: calendar sync across users', () => {
  test('R9.1 R9.2 scenario 12: a booking, a reschedule, a drag preview, a double booking and a cancellation reach the other user at once', async () => {
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    const bob = await logInAs(browser, server.url, 'Bob Turner');
    for (const person of [sarah, bob]) await person.page.getByRole('link', { name: 'Calendar' }).click();

    // A meeting with a client lives in the client's wedding: Sarah books it, Bob sees it fade in.
    await book(sarah.page, {
      title: 'Venue walkthrough',
      time: '10:00',
      client: 'Emma & James',
      attendees: ['Sarah Bennett', 'Bob Turner'],
    });
    const bobWalkthrough = eventButton(bob.page, /^Venue walkthrough, 10:00–11:00, confirmed/);
    await bobWalkthrough.waitFor({ timeout: 15_000 });
    expect(await bobWalkthrough.evaluate((element) => getComputedStyle(element).animationName)).toBe('ws-fade-in');

    // Reschedule with the keyboard (Alt+↓ = one 30-minute slot): Bob sees the new time.
    const sarahWalkthrough = eventButton(sarah.page, /^Venue walkthrough, 10:00–11:00, confirmed/);
    await sarahWalkthrough.waitFor({ timeout: 15_000 });
    await sarahWalkthrough.focus();
    await sarah.page.keyboard.press('Alt+ArrowDown');
    await eventButton(bob.page, /^Venue walkthrough, 10:30–11:30, confirmed/).waitFor({ timeout: 10_000 });

    // While Sarah drags it two hours down, Bob sees it move (a ghost naming her); the drop is saved.
    const moved = eventButton(sarah.page, /^Venue walkthrough, 10:30–11:30/);
    await moved.waitFor();
    const box = await moved.boundingBox();
    if (!box) throw new Error('the event has no box');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await sarah.page.mouse.move(x, y);
    await sarah.page.mouse.down();
    await sarah.page.mouse.move(x, y + 96, { steps: 6 });
    const ghost = bob.page.getByRole('status', { name: 'Sarah is moving Venue walkthrough to 12:30' });
    await ghost.waitFor({ timeout: 10_000 });
    await screenshot(bob.page, 'calendar-drag-preview');
    await sarah.page.mouse.up();
    await eventButton(bob.page, /^Venue walkthrough, 12:30–13:30, confirmed/).waitFor({ timeout: 10_000 });
    await ghost.waitFor({ state: 'detached', timeout: 10_000 });

    // A team meeting overlapping it for Sarah: both see the double-booking warning at once.
    await sarah.page.getByRole('button', { name: 'Close meeting details' }).click();
    await book(sarah.page, { title: 'Portfolio review', time: '12:00', attendees: ['Sarah Bennett'] });
    const warning = 'Double booking: Sarah Bennett in “Portfolio review” and “Venue walkthrough” (12:30)';
    await bob.page.getByRole('alert').getByText(warning).waitFor({ timeout: 10_000 });
    await sarah.page.getByRole('alert').getByText(warning).waitFor({ timeout: 10_000 });
    expect(await eventButton(bob.page, /^Portfolio review, 12:00–13:00, confirmed, double booked/).count()).toBe(1);
    await screenshot(sarah.page, 'calendar-double-booking');

    // Sarah cancels the team meeting: Bob sees it cancelled and the warning gone.
    await eventButton(sarah.page, /^Portfolio review, 12:00–13:00/).click();
    await sarah.page.getByRole('button', { name: 'Cancel meeting' }).click();
    await eventButton(bob.page, /^Portfolio review, 12:00–13:00, cancelled$/).waitFor({ timeout: 10_000 });
    await bob.page.getByRole('alert').getByText(warning).waitFor({ state: 'detached', timeout: 10_000 });

    await sarah.context.close();
    await bob.context.close();
  });
});
