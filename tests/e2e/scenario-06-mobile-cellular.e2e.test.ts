import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, PHONE, screenshot } from './harness/browser.ts';
import { emulateCellular } from './harness/phone-context.ts';
import { recordFieldsOnServer } from './harness/server-api.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

interface Phone {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
}

/**
 * A 390×844 phone on the cellular link from its first request, logged in through the login screen.
 * `onPage` runs before the first navigation (e.g. to see the page's first WebSocket).
 */
async function phoneLogIn(name: string, onPage?: (page: Page) => void): Promise<Phone> {
  const context = await browser.newContext({ ...PHONE, baseURL: server.url });
  const page = await context.newPage();
  onPage?.(page);
  const cdp = await emulateCellular(context, page);
  await page.goto('/login');
  await page.getByRole('button', { name: `Log in as ${name}` }).click();
  return { context, page, cdp };
}

const topBar = (page: Page) => page.locator('.ws-mobilebar');

/** Joined channels on the server (its /metrics gauge), all connections together. */
async function serverChannels(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(/^realtime_channels(?:\{[^}]*\})? (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** Pretends the tab went to the background (or came back): the Page Visibility API as the app reads it. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (isHidden ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** One text frame of the page's WebSocket, as the Phoenix protocol names its parts. */
interface WireFrame {
  direction: 'sent' | 'received';
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  /** The frame as it travelled. */
  text: string;
}

/**
 * Every text frame the page's WebSockets send and receive from now on, in order, parsed whether the
 * client speaks `vsn` 2.0.0 (arrays) or 1.0.0 (objects). Call before the page opens its socket.
 */
function recordFrames(page: Page): WireFrame[] {
  const frames: WireFrame[] = [];
  page.on('websocket', (socket) => {
    const add =
      (direction: WireFrame['direction']) =>
      ({ payload }: { payload: string | Buffer }) => {
        if (typeof payload !== 'string') return;
        const parsed = JSON.parse(payload) as unknown;
        const [ref, topic, event, body] = Array.isArray(parsed)
          ? [parsed[1], parsed[2], parsed[3], parsed[4]]
          : [
              (parsed as { ref?: unknown }).ref,
              (parsed as { topic?: unknown }).topic,
              (parsed as { event?: unknown }).event,
              (parsed as { payload?: unknown }).payload,
            ];
        frames.push({
          direction,
          ref: typeof ref === 'string' ? ref : null,
          topic: String(topic),
          event: String(event),
          payload: (body ?? {}) as Record<string, unknown>,
          text: payload,
        });
      };
    socket.on('framesent', add('sent'));
    socket.on('framereceived', add('received'));
  });
  return frames;
}

/** The `config.sync` a join frame asked for (`{ since }` = catch up from that seq), or undefined. */
function joinSync(frame: WireFrame): { since?: unknown; snapshot?: unknown } | undefined {
  const config = frame.payload.config as { sync?: { since?: unknown; snapshot?: unknown } } | undefined;
  return config?.sync;
}

/** A finger pulling the page down from the top by `distancePx` (touch events through CDP). */
async function pullDown(phone: Phone, distancePx: number) {
  const x = 195;
  const y = 220;
  await phone.cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let step = 1; step <= 8; step++) {
    await phone.cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove',
      touchPoints: [{ x, y: y + (distancePx * step) / 8 }],
    });
  }
  await phone.cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

describe('acceptance scenario 6: mobile viewport on a cellular network', () => {
  test('R13.2 R13.1 scenario 6: at 390×844 on throttled cellular, sync works both ways with its status in the top bar; pull-to-refresh, sync settings and hidden-tab pausing work', async () => {
    const emma = await phoneLogIn('Emma Wilson');
    const sarah = await phoneLogIn('Sarah Bennett');
    const james = await logInAs(browser, server.url, 'James Carter');
    for (const phone of [emma, sarah]) {
      const status = topBar(phone.page).getByRole('status', { name: 'Connection: connected' });
      await status.waitFor({ timeout: 30_000 });
      await topBar(phone.page)
        .getByText(/Synced (just now|\d+ seconds? ago)/)
        .waitFor({ timeout: 15_000 });
      const box = await topBar(phone.page).boundingBox();
      expect(box && box.y <= 1 && box.width <= 390).toBe(true);
    }

    // Sync both ways over the slow link: Emma's phone → Sarah's phone, James's desk → Emma's phone.
    await sarah.page.getByRole('button', { name: /^Emma & James/ }).click();
    const emmaGuests = emma.page.getByLabel('Guest count');
    const sarahGuests = sarah.page.getByLabel('Guest count');
    await expect.poll(() => emmaGuests.inputValue(), { timeout: 20_000 }).not.toBe('');
    const guests = String(Number(await emmaGuests.inputValue()) + 7);
    await emmaGuests.fill(guests);
    await emmaGuests.blur();
    await expect.poll(() => sarahGuests.inputValue(), { timeout: 20_000 }).toBe(guests);
    const jamesVenue = james.page.getByLabel('Venue');
    await expect.poll(() => jamesVenue.inputValue(), { timeout: 20_000 }).not.toBe('');
    await jamesVenue.fill('Oakwood Hall, Surrey (the orangery)');
    await jamesVenue.blur();
    await expect
      .poll(() => emma.page.getByLabel('Venue').inputValue(), { timeout: 20_000 })
      .toBe('Oakwood Hall, Surrey (the orangery)');

    // Pull-to-refresh forces a catch-up over the slow link and finishes.
    await pullDown(emma, 260);
    const indicator = emma.page.locator('.ws-ptr__indicator');
    await indicator.and(emma.page.locator('[data-phase="refreshing"]')).waitFor({ timeout: 5_000 });
    await indicator.and(emma.page.locator('[data-phase="idle"]')).waitFor({ timeout: 20_000 });
    await topBar(emma.page)
      .getByText(/Synced just now/)
      .waitFor();

    // Sync settings: data used by live sync, last sync time, and data saver thinning updates out.
    await emma.page.getByRole('button', { name: 'Sync settings' }).click();
    const usage = emma.page.getByRole('region', { name: 'Data usage' });
    await usage.getByText(/Today: \d+(\.\d)? (B|KB|MB)/).waitFor();
    await emma.page
      .getByRole('region', { name: 'Sync status' })
      .getByText(/Last synced: \d\d:\d\d/)
      .waitFor();
    await emma.page.getByRole('checkbox', { name: 'Data saver' }).check();
    await emma.page.getByText('Reduced updates: data saver is on.').waitFor();
    await screenshot(emma.page, 'mobile-sync-settings');

    // A hidden tab leaves its background channels (Sarah's dashboard watches each client's presence)
    // and rejoins them when visible again; the primary and team channels stay.
    await sarah.page.getByRole('link', { name: 'Dashboard' }).click();
    await sarah.page.getByRole('button', { name: /^Emma & James/ }).waitFor();
    await expect.poll(() => sarah.page.evaluate(() => document.querySelectorAll('.ws-client').length)).toBe(2);
    const before = await serverChannels();
    await setHidden(sarah.page, true);
    await expect.poll(serverChannels, { timeout: 15_000 }).toBeLessThanOrEqual(before - 2);
    await setHidden(sarah.page, false);
    // The rejoins travel over the throttled cellular link (560 ms latency), one channel after another.
    await expect.poll(serverChannels, { timeout: 45_000 }).toBe(before);
    // Hidden and visible again at once, before the slow link answered the leaves: every channel that
    // was still leaving rejoins too (it once stayed left, 9 of 11 channels).
    await setHidden(sarah.page, true);
    await setHidden(sarah.page, false);
    await expect.poll(serverChannels, { timeout: 45_000 }).toBe(before);
    await topBar(sarah.page).getByRole('status', { name: 'Connection: connected' }).waitFor();

    for (const person of [emma, sarah, james]) await person.context.close();
  });

  test("R13.1 scenario 6: a change made by someone else while the phone tab is hidden is not delivered to its paused channel, and appears from that channel's seq once the tab is visible again", async () => {
    let frames: WireFrame[] = [];
    const emma = await phoneLogIn('Emma Wilson', (page) => {
      frames = recordFrames(page);
    });
    const james = await logInAs(browser, server.url, 'James Carter');
    await topBar(emma.page).getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 30_000 });
    const emmaVenue = emma.page.getByLabel('Venue');
    const jamesVenue = james.page.getByLabel('Venue');
    await expect.poll(() => emmaVenue.inputValue(), { timeout: 20_000 }).not.toBe('');
    await expect.poll(() => jamesVenue.inputValue(), { timeout: 20_000 }).toBe(await emmaVenue.inputValue());
    const venueBefore = await emmaVenue.inputValue();
    const weddingJoin = frames.find(
      (f) => f.direction === 'sent' && f.event === 'phx_join' && /^wedding:/.test(f.topic),
    );
    expect(weddingJoin, 'the couple app joins its wedding channel').toBeDefined();
    const weddingTopic = weddingJoin?.topic ?? '';
    const weddingId = weddingTopic.slice('wedding:'.length);

    // Emma hides her presence ("Show others when I am here" off): the wedding channel is then no longer
    // one she is visibly present on, so it is a non-critical channel that pauses while the tab is hidden
    // (her primary couple channel stays, but it is not bound to the record store).
    await emma.page.getByRole('button', { name: 'Sync settings' }).click();
    await emma.page.getByRole('checkbox', { name: 'Show others when I am here' }).uncheck();
    await expect
      .poll(() =>
        frames.some(
          (f) =>
            f.direction === 'sent' &&
            f.topic === weddingTopic &&
            f.event === 'presence' &&
            f.payload.event === 'untrack',
        ),
      )
      .toBe(true);
    await emma.page.getByRole('button', { name: 'Close sync settings' }).click();

    // Hidden: the wedding channel is left, and the server confirms the leave before anyone writes.
    await setHidden(emma.page, true);
    await expect
      .poll(() => frames.find((f) => f.direction === 'sent' && f.topic === weddingTopic && f.event === 'phx_leave'), {
        timeout: 15_000,
      })
      .toBeDefined();
    const leave = frames.find((f) => f.direction === 'sent' && f.topic === weddingTopic && f.event === 'phx_leave');
    await expect
      .poll(
        () =>
          frames.some(
            (f) =>
              f.direction === 'received' && f.topic === weddingTopic && f.event === 'phx_reply' && f.ref === leave?.ref,
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    const leftAt = frames.length;

    // James changes the venue on his desk while Emma's tab is in the background; the server holds it.
    const venueAfter = 'The Glasshouse, London (changed while the phone was hidden)';
    expect(venueBefore).not.toBe(venueAfter);
    await jamesVenue.fill(venueAfter);
    await jamesVenue.blur();
    await expect
      .poll(
        async () => (await recordFieldsOnServer(server.url, james.page, weddingTopic, 'weddings', weddingId)).venue,
        { timeout: 20_000 },
      )
      .toBe(venueAfter);

    // The phone's socket is live and has heard of the change (the couple channel, still joined, announces
    // it) — yet nothing arrived on the paused wedding channel and the hidden page shows the old venue.
    await expect
      .poll(() => frames.slice(leftAt).some((f) => f.direction === 'received' && f.text.includes(venueAfter)), {
        timeout: 20_000,
      })
      .toBe(true);
    expect(frames.slice(leftAt).filter((f) => f.direction === 'received' && f.topic === weddingTopic)).toEqual([]);
    expect(await emmaVenue.inputValue()).toBe(venueBefore);

    // Visible again: the wedding channel rejoins from its seq and the missed change appears.
    await setHidden(emma.page, false);
    await expect.poll(() => emmaVenue.inputValue(), { timeout: 20_000 }).toBe(venueAfter);
    const rejoinAt = frames.findIndex(
      (f, index) => index >= leftAt && f.direction === 'sent' && f.topic === weddingTopic && f.event === 'phx_join',
    );
    const rejoin = frames[rejoinAt];
    expect(rejoin, 'the wedding channel rejoined').toBeDefined();
    const sync = rejoin ? joinSync(rejoin) : undefined;
    expect(typeof sync?.since, 'the rejoin resumes from the seq the channel had reached').toBe('number');
    expect(sync?.snapshot, 'a catch-up, not a full refresh').toBeUndefined();
    expect(
      frames
        .slice(rejoinAt)
        .some((f) => f.direction === 'received' && f.topic === weddingTopic && f.text.includes(venueAfter)),
      'the missed change came on the wedding channel',
    ).toBe(true);

    for (const person of [emma, james]) await person.context.close();
  });
});
