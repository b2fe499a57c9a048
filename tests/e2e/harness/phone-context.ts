import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * A cellular link close to DevTools' "Fast 3G": 560 ms round trips, ~1.4 Mbit/s down, ~0.7 up
 * (throughputs in bytes per second, as the DevTools protocol takes them).
 */
export const CELLULAR = {
  offline: false,
  latency: 560,
  downloadThroughput: 180_000,
  uploadThroughput: 84_000,
  connectionType: 'cellular3g',
} as const;

/**
 * Puts `page` on the CELLULAR link from now on (through a DevTools session, so Chromium's Network
 * Information API reports it too); the session, for further DevTools input such as touch events.
 */
export async function emulateCellular(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', CELLULAR);
  return cdp;
}
