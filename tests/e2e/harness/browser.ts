import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './app-server-process.ts';

/** Debian's Chromium (installed by .ci/run); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** The 390×844 phone of R13.2 (acceptance scenario 6). */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 860 } };

export interface PersonPage {
  context: BrowserContext;
  page: Page;
}

/**
 * A new browser context (a separate person: own storage, own socket) logged in as `name` through the
 * login screen, the way a person would, and waiting until the dashboard's connection is live.
 */
export async function logInAs(
  browser: Browser,
  baseUrl: string,
  name: string,
  options: BrowserContextOptions = DESKTOP,
): Promise<PersonPage> {
  const context = await browser.newContext({ ...options, baseURL: baseUrl });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByRole('button', { name: `Log in as ${name}` }).click();
  // Generous: ten browser contexts on a 2-core CI machine can take over 20 s to all connect.
  await page.getByRole('status', { name: 'Connection: connected' }).waitFor({ timeout: 45_000 });
  return { context, page };
}

/** Saves a screenshot under docs/screenshots (the pictures the README shows). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const directory = join(REPO_ROOT, 'docs', 'screenshots');
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
