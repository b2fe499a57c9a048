import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs, PHONE } from './harness/browser.ts';
import { emulateCellular } from './harness/phone-context.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Width and height in a JPEG's start-of-frame segment (baseline or progressive). */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  let offset = 2;
  while (offset + 9 < bytes.length) {
    const marker = bytes.readUInt16BE(offset);
    const length = bytes.readUInt16BE(offset + 2);
    if (marker === 0xffc0 || marker === 0xffc2) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  throw new Error('no start-of-frame segment in the JPEG');
}

/** Every media request the page makes from now on: method, path and declared content type. */
function recordMedia(page: Page) {
  const seen: { method: string; path: string; contentType: string | undefined }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/media/')) return;
    seen.push({ method: request.method(), path: url.pathname, contentType: request.headers()['content-type'] });
  });
  return seen;
}

/** A stored variant's bytes, read from the server with the token of the person logged in on `page`. */
async function storedVariant(page: Page, path: string): Promise<Buffer> {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('wedsync.session.v1') ?? '{}').token);
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/jpeg');
  return Buffer.from(await response.arrayBuffer());
}

/** The shown photo's decoded size (the variant the page fetched), once it has loaded. */
async function shownPhotoSize(page: Page, alt: string): Promise<{ width: number; height: number }> {
  const img = page.locator('section.ws-chat').getByRole('img', { name: alt });
  await img.and(page.locator('img')).waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('img')].some((each) => each.alt === name && each.naturalWidth > 0),
    alt,
    { timeout: 30_000 },
  );
  return img.evaluate((element) => ({
    width: (element as HTMLImageElement).naturalWidth,
    height: (element as HTMLImageElement).naturalHeight,
  }));
}

// Issue 8 item 3, R13.1 ("images compressed harder", smaller variants on cellular), R12.2 (media as binary).
describe('team chat photos on desk and phone (R13.1, R12.2, issue 8 item 3)', () => {
  test("R13.1 a photo Sarah sends from her desk is compressed in her browser into full and small JPEGs; Bob's cellular phone shows the small one, her desk the full one", async () => {
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    const bob = await logInAs(browser, server.url, 'Bob Turner', PHONE);
    await emulateCellular(bob.context, bob.page);
    // The Network Information API as Bob's app reads it on this link.
    await bob.page.waitForFunction(
      () => (navigator as Navigator & { connection?: { effectiveType?: string } }).connection?.effectiveType === '3g',
    );
    const sarahMedia = recordMedia(sarah.page);
    const bobMedia = recordMedia(bob.page);
    await sarah.page.getByRole('link', { name: 'Team' }).click();
    await bob.page.goto('/supplier/team');
    await bob.page.locator('section.ws-chat').waitFor({ timeout: 30_000 });

    // A 2400×1800 PNG drawn in the browser, picked through the chat's file input like a real file.
    const pngBase64 = await sarah.page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 2400;
      canvas.height = 1800;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      const gradient = context.createLinearGradient(0, 0, 2400, 1800);
      gradient.addColorStop(0, '#f6c1d0');
      gradient.addColorStop(1, '#3a5a8c');
      context.fillStyle = gradient;
      context.fillRect(0, 0, 2400, 1800);
      for (let index = 0; index < 200; index++) {
        context.fillStyle = `hsl(${(index * 37) % 360} 70% 50%)`;
        context.fillRect((index * 113) % 2400, (index * 71) % 1800, 60, 40);
      }
      return canvas.toDataURL('image/png').split(',')[1] ?? '';
    });
    const sarahChat = sarah.page.locator('section.ws-chat');
    await sarahChat.getByLabel('Add photo').setInputFiles({
      name: 'venue.png',
      mimeType: 'image/png',
      buffer: Buffer.from(pngBase64, 'base64'),
    });

    // Sarah's desk: both variants uploaded as raw JPEG bodies, small first, then shown in full.
    expect(await shownPhotoSize(sarah.page, 'Photo from Sarah Bennett')).toEqual({ width: 1600, height: 1200 });
    const uploads = sarahMedia.filter((request) => request.method === 'PUT');
    expect(uploads.map((request) => request.path.replace(/^\/api\/media\/[^/]+\//, ''))).toEqual(['small', 'full']);
    const mediaId = uploads[0]?.path.split('/')[3] ?? '';
    expect(uploads.every((request) => request.contentType === 'image/jpeg')).toBe(true);
    const small = await storedVariant(sarah.page, `/api/media/${mediaId}/small`);
    const full = await storedVariant(sarah.page, `/api/media/${mediaId}/full`);
    expect(jpegSize(full)).toEqual({ width: 1600, height: 1200 });
    expect(jpegSize(small)).toEqual({ width: 480, height: 360 });
    expect(small.length).toBeLessThan(full.length / 3);
    expect(sarahMedia.filter((request) => request.method === 'GET').map((request) => request.path)).toEqual([
      `/api/media/${mediaId}/full`,
    ]);

    // Bob's phone on cellular: the message arrives live and its photo is fetched small, never full.
    expect(await shownPhotoSize(bob.page, 'Photo from Sarah Bennett')).toEqual({ width: 480, height: 360 });
    expect(bobMedia.map((request) => `${request.method} ${request.path}`)).toEqual([`GET /api/media/${mediaId}/small`]);
    await sarah.context.close();
    await bob.context.close();
  });
});
