import { RealtimeClient, type WebSocketConstructor } from '@wedsync/client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { type LockInfo, LockTracker } from '../src/locks/lock-tracker.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

let server: ServerProcess;
const clients: RealtimeClient[] = [];
const trackers: LockTracker[] = [];
const target = { c: 'items', id: 'ordering-1', f: 1 };

beforeAll(async () => {
  server = await startServerProcess({ records: true });
});
afterAll(() => server.stop());
afterEach(async () => {
  for (const tracker of trackers.splice(0)) tracker.dispose();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function joinedTracker(sub: string, name: string, topic: string): Promise<LockTracker> {
  const client = new RealtimeClient({
    url: server.wsUrl,
    token: server.sign(sub, name),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    onlineEvents: null,
  });
  clients.push(client);
  const channel = client.channel(topic);
  const tracker = new LockTracker(channel);
  trackers.push(tracker);
  await channel.join();
  return tracker;
}

/** Resolves with the first info() that satisfies `done`, checked after every change of the tracker. */
function until(tracker: LockTracker, done: (info: LockInfo | null) => boolean): Promise<LockInfo | null> {
  return new Promise((resolve) => {
    const check = () => {
      const info = tracker.info(target);
      if (!done(info)) return;
      stop();
      resolve(info);
    };
    const stop = tracker.subscribe(check);
    check();
  });
}

describe('LockTracker ordering against the real server', () => {
  test('R4.1 the acquiring tab never sees its own lock as someone else’s, though the notice arrives before the reply', async () => {
    const emma = await joinedTracker('u-emma', 'Emma', 'wedding:order-a');
    const seen: (LockInfo | null)[] = [];
    const stop = emma.subscribe(() => seen.push(emma.info(target)));
    expect(await emma.acquire(target)).toBe(true);
    stop();
    expect(seen.length).toBeGreaterThan(0);
    // Every state the UI could have rendered during the acquire: free or mine, never "locked by Emma".
    expect(seen.filter((info) => info !== null && !info.mine)).toEqual([]);
    expect(emma.info(target)?.mine).toBe(true);
  });

  test('R4.1 a blur while the acquire is in flight still releases: the other person sees the field free', async () => {
    const topic = 'wedding:order-b';
    const emma = await joinedTracker('u-emma', 'Emma', topic);
    const sarah = await joinedTracker('u-sarah', 'Sarah', topic);
    const granted = emma.acquire(target);
    void emma.release(target);
    expect(await granted).toBe(true);
    await until(sarah, (info) => info === null);
    // The server agrees: Sarah may take it now (it would be refused while Emma held it).
    expect(await sarah.acquire(target)).toBe(true);
    await until(emma, (info) => info !== null && !info.mine && info.holder.name === 'Sarah');
  });

  test('R4.1 focus, blur, focus again: the latest wish wins and the lock stays held', async () => {
    const topic = 'wedding:order-c';
    const emma = await joinedTracker('u-emma', 'Emma', topic);
    const sarah = await joinedTracker('u-sarah', 'Sarah', topic);
    const first = emma.acquire(target);
    void emma.release(target);
    const second = emma.acquire(target);
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    await until(sarah, (info) => info?.holder.name === 'Emma');
    expect(await sarah.acquire(target)).toBe(false);
    expect(emma.info(target)?.mine).toBe(true);
  });
});
