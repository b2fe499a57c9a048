import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { DESKTOP, launchBrowser, logInAs, type PersonPage, PHONE, screenshot } from './harness/browser.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/**
 * Everyone of the seed with access to Emma & James's wedding — the couple, LensLight's team of three,
 * Feast's and Oakwood's owners: 7 people. The seed has no more, and logins exist only for seeded
 * people, so three of them also use a second device (own browser context, own socket): 10 in all.
 */
const SEATS: { name: string; kind: 'couple' | 'supplier'; phone?: boolean }[] = [
  { name: 'Emma Wilson', kind: 'couple' },
  { name: 'James Carter', kind: 'couple' },
  { name: 'Sarah Bennett', kind: 'supplier' },
  { name: 'Bob Turner', kind: 'supplier' },
  { name: 'Vera Quinn', kind: 'supplier' },
  { name: 'Olivia Hart', kind: 'supplier' },
  { name: 'Liam Oakley', kind: 'supplier' },
  { name: 'Emma Wilson', kind: 'couple', phone: true },
  { name: 'Sarah Bennett', kind: 'supplier', phone: true },
  { name: 'Olivia Hart', kind: 'supplier', phone: true },
];

interface Seat {
  name: string;
  person: PersonPage;
}

async function seat(entry: (typeof SEATS)[number]): Promise<Seat> {
  const person = await logInAs(browser, server.url, entry.name, entry.phone ? PHONE : DESKTOP);
  if (entry.kind === 'supplier') await person.page.getByRole('button', { name: /^Emma & James/ }).click();
  await expect.poll(() => person.page.getByLabel('Guest count').inputValue(), { timeout: 30_000 }).not.toBe('');
  return { name: entry.name, person };
}

const value = (page: Page, label: string) => page.getByLabel(label).inputValue();

describe('acceptance scenario 5: ten or more users in one wedding', () => {
  test('R2.1 R3.1 R4.3 scenario 5: 10 browser contexts (7 people, 3 on a second device) on one wedding all see each change at once, and see each other', async () => {
    const seats: Seat[] = [];
    // Two waves of five keep the two CPU cores responsive while the pages start.
    for (const wave of [SEATS.slice(0, 5), SEATS.slice(5)]) seats.push(...(await Promise.all(wave.map(seat))));
    expect(seats).toHaveLength(10);

    // Everyone is on the wedding's channel: a supplier's profile shows the 7 people present.
    const sarah = seats[2]?.person.page;
    if (!sarah) throw new Error('no Sarah');
    await sarah.getByRole('list', { name: 'On this wedding: 7' }).waitFor({ timeout: 20_000 });

    // Emma changes the guest count: all ten screens show it.
    const emma = seats[0]?.person.page;
    if (!emma) throw new Error('no Emma');
    const guests = String(Number(await value(emma, 'Guest count')) + 11);
    await emma.getByLabel('Guest count').fill(guests);
    await emma.getByLabel('Guest count').blur();
    for (const { person } of seats) {
      await expect.poll(() => value(person.page, 'Guest count'), { timeout: 20_000 }).toBe(guests);
    }

    // James, from his laptop, changes the venue: again all ten, his own other screens included.
    const james = seats[1]?.person.page;
    if (!james) throw new Error('no James');
    await james.getByLabel('Venue').fill('Oakwood Hall, the long gallery');
    await james.getByLabel('Venue').blur();
    for (const { person } of seats) {
      await expect.poll(() => value(person.page, 'Venue'), { timeout: 20_000 }).toBe('Oakwood Hall, the long gallery');
    }
    await screenshot(sarah, 'ten-users-one-wedding');

    // Every one of the ten links is still live.
    for (const { person } of seats) {
      await person.page.getByRole('status', { name: 'Connection: connected' }).first().waitFor();
    }
    for (const { person } of seats) await person.context.close();
  });
});
