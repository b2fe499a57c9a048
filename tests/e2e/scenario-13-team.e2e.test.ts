import type { Browser } from 'playwright-core';
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

describe('acceptance scenario 13: team collaboration features', () => {
  test('R10.1 R4.3 scenario 13: team presence with where each member is, team chat with typing, task assignment that notifies, a shared note edited live', async () => {
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    const bob = await logInAs(browser, server.url, 'Bob Turner');
    await sarah.page.getByRole('link', { name: 'Team' }).click();
    await bob.page.getByRole('link', { name: 'Team' }).click();

    // Where the team is: Bob on the Team page, then on the Calendar, as Sarah sees it.
    const whereTeam = sarah.page.getByRole('region', { name: 'Where the team is' });
    await whereTeam.getByText('Active · Team').nth(1).waitFor({ timeout: 15_000 });
    await bob.page.getByRole('link', { name: 'Calendar' }).click();
    await whereTeam.getByRole('listitem').filter({ hasText: 'Bob Turner' }).getByText('Active · Calendar').waitFor();
    await bob.page.getByRole('link', { name: 'Team' }).click();
    await whereTeam.getByRole('listitem').filter({ hasText: 'Bob Turner' }).getByText('Active · Team').waitFor();

    // Team chat: Sarah sees Bob typing, then his message; hers reaches him.
    const bobChat = bob.page.getByRole('region', { name: 'Team chat' });
    const sarahChat = sarah.page.getByRole('region', { name: 'Team chat' });
    await bobChat.getByRole('textbox', { name: 'Message' }).pressSequentially('Who can cover', { delay: 20 });
    await sarahChat.getByText('Bob is typing…').waitFor({ timeout: 10_000 });
    await bobChat.getByRole('textbox', { name: 'Message' }).pressSequentially(' Saturday in Guildford?');
    await bobChat.getByRole('button', { name: 'Send' }).click();
    await sarahChat.getByRole('log').getByText('Who can cover Saturday in Guildford?').waitFor({ timeout: 10_000 });
    await sarahChat.getByRole('textbox', { name: 'Message' }).fill('I can, @Bob — put it in the calendar');
    await sarahChat.getByRole('button', { name: 'Send' }).click();
    await bobChat.getByRole('log').getByText('I can, @Bob — put it in the calendar').waitFor({ timeout: 10_000 });
    // Once the server confirmed it, Sarah's own message is no longer marked as sending.
    await sarahChat.getByText('sending…').waitFor({ state: 'detached', timeout: 10_000 });

    // Task assignment notifies the assignee at once.
    const sarahTasks = sarah.page.getByRole('region', { name: 'Team tasks' });
    await sarahTasks.getByRole('textbox', { name: 'Task title' }).fill('Edit the Harris album');
    await sarahTasks.getByLabel('Assign to').selectOption({ label: 'Bob Turner' });
    await sarahTasks.getByRole('button', { name: 'Add task' }).click();
    await bob.page.getByText('Sarah Bennett assigned you “Edit the Harris album”').waitFor({ timeout: 10_000 });
    const bobTask = bob.page
      .getByRole('region', { name: 'Team tasks' })
      .getByLabel('Assignee of Edit the Harris album');
    expect(await bobTask.inputValue()).toBe('u-bob');
    // Bob completes it; Sarah sees it done.
    await bob.page
      .getByRole('region', { name: 'Team tasks' })
      .getByRole('checkbox', { name: 'Edit the Harris album' })
      .check();
    await expect
      .poll(() => sarahTasks.getByRole('checkbox', { name: 'Edit the Harris album' }).isChecked(), { timeout: 10_000 })
      .toBe(true);

    // A shared note: Sarah creates it, Bob writes in it, Sarah sees his words live.
    const sarahNotes = sarah.page.getByRole('region', { name: 'Shared notes' });
    await sarahNotes.getByLabel('New note title').fill('Saturday plan');
    await sarahNotes.getByRole('button', { name: 'Add note' }).click();
    const bobNotes = bob.page.getByRole('region', { name: 'Shared notes' });
    await bobNotes.getByRole('button', { name: /^Saturday plan/ }).click();
    await bobNotes.getByLabel('Saturday plan').fill('Bob shoots the ceremony; Sarah the portraits.');
    await bobNotes.getByText('Saved', { exact: true }).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => sarahNotes.getByLabel('Saturday plan').inputValue(), { timeout: 10_000 })
      .toBe('Bob shoots the ceremony; Sarah the portraits.');
    await screenshot(sarah.page, 'team-collaboration');

    await sarah.context.close();
    await bob.context.close();
  });
});
