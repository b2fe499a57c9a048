import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppServerProcess, startAppServer } from './harness/app-server-process.ts';
import { launchBrowser, logInAs } from './harness/browser.ts';

let server: AppServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** A "Slow 3G" link: 2 s round trips, ~400 kbit/s each way. */
const SLOW_3G = { latencyMs: 2_000, bytesPerSecond: 50_000 };

interface SlowLink {
  /** The app server's URL through this link. */
  url: string;
  /** null: pass-through; otherwise every byte each way waits half the latency and the bandwidth. */
  set(conditions: { latencyMs: number; bytesPerSecond: number } | null): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of the app server that slows one person's whole link — page, API and the
 * WebSocket. (Chromium's CDP network throttling delays HTTP but not WebSocket frames, so it cannot
 * show a slow realtime link.) Bytes keep their order: each direction is one queue released on time.
 */
async function startSlowLink(targetPort: number): Promise<SlowLink> {
  let conditions: { latencyMs: number; bytesPerSecond: number } | null = null;
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const relay = (from: Socket, to: Socket) => {
    const queue: { atMs: number; chunk: Buffer }[] = [];
    let freeAtMs = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let ended = false;
    const drain = () => {
      timer = null;
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.atMs ?? 0) <= now) to.write(queue.shift()?.chunk ?? Buffer.alloc(0));
      if (queue.length > 0) {
        timer = setTimeout(drain, (queue[0]?.atMs ?? now) - now);
        timers.add(timer);
      } else if (ended) to.end();
    };
    from.on('data', (chunk: Buffer) => {
      const now = Date.now();
      // In order: never before the previous chunk; slowed by half the latency plus the transfer time.
      const atMs = conditions
        ? Math.max(now + conditions.latencyMs / 2, freeAtMs) + (chunk.length / conditions.bytesPerSecond) * 1000
        : Math.max(now, freeAtMs);
      freeAtMs = atMs;
      queue.push({ atMs, chunk });
      if (timer === null) drain();
    });
    from.on('end', () => {
      ended = true;
      if (timer === null && queue.length === 0) to.end();
    });
  };
  const server: Server = createServer((client) => {
    const upstream = netConnect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => sockets.delete(socket));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    set(next) {
      conditions = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function edit(page: Page, label: string, value: string) {
  const input = page.getByLabel(label);
  await input.fill(value);
  await input.blur();
}

const fieldValue = (page: Page, label: string) => page.getByLabel(label).inputValue();

describe('acceptance scenario 8: a slow, throttled connection still converges', () => {
  test('R3.1 R11.2 R12.1 scenario 8: a burst of edits from both sides reaches a Slow-3G partner and back; every screen ends identical', async () => {
    const link = await startSlowLink(server.port);
    const emma = await logInAs(browser, server.url, 'Emma Wilson');
    const james = await logInAs(browser, link.url, 'James Carter');
    const sarah = await logInAs(browser, server.url, 'Sarah Bennett');
    await sarah.page.getByRole('button', { name: /^Emma & James/ }).click();
    for (const page of [emma.page, james.page, sarah.page]) {
      await expect.poll(() => fieldValue(page, 'Guest count'), { timeout: 20_000 }).not.toBe('');
    }

    // James's link becomes Slow 3G (page, API and WebSocket alike).
    link.set(SLOW_3G);

    // Emma, on a good link, edits in a burst; James, on the slow one, edits another field meanwhile.
    const start = Number(await fieldValue(emma.page, 'Guest count'));
    for (let step = 1; step <= 5; step++) await edit(emma.page, 'Guest count', String(start + step * 3));
    await edit(emma.page, 'Wedding date', '2027-07-03');
    await edit(james.page, 'Venue', 'Oakwood Hall, the walled garden');
    const finalGuests = String(start + 15);

    // Sarah (fast) has the final count at least half a second before James: his link really is slow.
    await expect.poll(() => fieldValue(sarah.page, 'Guest count'), { timeout: 20_000 }).toBe(finalGuests);
    const sarahSawAtMs = Date.now();
    await expect.poll(() => fieldValue(james.page, 'Guest count'), { timeout: 45_000, interval: 50 }).toBe(finalGuests);
    expect(Date.now() - sarahSawAtMs).toBeGreaterThanOrEqual(500);

    // Everyone converges on the same values, the slow partner included; James's queue drains.
    for (const page of [emma.page, james.page, sarah.page]) {
      await expect.poll(() => fieldValue(page, 'Guest count'), { timeout: 45_000 }).toBe(finalGuests);
      await expect.poll(() => fieldValue(page, 'Wedding date'), { timeout: 45_000 }).toBe('2027-07-03');
      await expect.poll(() => fieldValue(page, 'Venue'), { timeout: 45_000 }).toBe('Oakwood Hall, the walled garden');
    }
    await james.page.getByRole('status', { name: 'Connection: connected' }).waitFor();
    await james.page.getByText(/queued/).waitFor({ state: 'detached', timeout: 30_000 });

    // And after the link is fine again, a reload of the slow partner shows the same (nothing half-applied).
    link.set(null);
    await james.page.reload();
    await expect.poll(() => fieldValue(james.page, 'Guest count'), { timeout: 20_000 }).toBe(finalGuests);
    expect(await fieldValue(james.page, 'Venue')).toBe('Oakwood Hall, the walled garden');

    for (const person of [emma, james, sarah]) await person.context.close();
    await link.close();
  });
});
