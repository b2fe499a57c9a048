import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTimers, type Timers } from '../src/connection/timers.ts';
import { DeviceSync, type VisibilityLike } from '../src/device/device-sync.ts';
import { NetworkPolicy } from '../src/device/network-policy.ts';
import { scriptedClient } from './scripted-client.ts';

/** The Page Visibility API double. */
class FakeDocument extends EventTarget implements VisibilityLike {
  visibilityState: 'visible' | 'hidden' = 'visible';

  set(state: 'visible' | 'hidden'): void {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

/** The SDK's timers, with a log of every callback that fired (and when). */
function countingTimers(): Timers & { fired: number[] } {
  const fired: number[] = [];
  return {
    fired,
    setTimeout: (callback, delayMs) =>
      systemTimers.setTimeout(() => {
        fired.push(systemTimers.now());
        callback();
      }, delayMs),
    clearTimeout: (handle) => systemTimers.clearTimeout(handle),
    now: () => systemTimers.now(),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('R13.1 background updates deferred while hidden, visible content first', () => {
  it('R13.1 hidden: non-critical channels leave and the link closes, no timer fires for 30 minutes; visible: the resume rejoins from seq, visible content first', async () => {
    const timers = countingTimers();
    const { client, ws, connectOpen, joinOk, settle } = scriptedClient({ timers, heartbeatIntervalMs: 30_000 });
    const socket = await connectOpen();
    const seqs: Record<string, number> = { 'couple:1:tasks': 40, 'wedding:1': 77 };
    const options = (topic: string) => ({ getJoinPayload: () => ({ sync: { since: seqs[topic] } }) });
    await joinOk('couple:1:tasks', socket, options('couple:1:tasks'));
    await joinOk('wedding:1', socket, options('wedding:1'));
    const page = new FakeDocument();
    const device = new DeviceSync({
      client,
      timers,
      visibility: page,
      battery: null,
      network: new NetworkPolicy({ connection: null }),
      isCritical: () => false,
      resumeDelayMs: 200,
    });
    device.setVisibleTopics(['wedding:1']);
    const typed: string[] = [];
    device.submit('typing', 'notes', 'a', (value) => typed.push(value));

    page.set('hidden');
    await settle();
    expect(socket.sentEvents('wedding:1')).toEqual(['phx_join', 'phx_leave']);
    socket.reply({ topic: 'wedding:1', event: 'phx_leave' }, 'ok');
    socket.reply({ topic: 'couple:1:tasks', event: 'phx_leave' }, 'ok');
    await settle();
    expect(socket.closedBy).toBe('client-close');
    expect(client.status.state).toBe('disconnected');
    device.submit('typing', 'notes', 'abc', (value) => typed.push(value));
    seqs['wedding:1'] = 80;

    const firedBefore = timers.fired.length;
    const hiddenAtMs = Date.now();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    // R13.1 / battery drain guard: not one SDK timer fired while the page was hidden.
    expect(timers.fired.filter((atMs) => atMs > hiddenAtMs)).toEqual([]);
    expect(timers.fired.length).toBe(firedBefore);
    expect(vi.getTimerCount()).toBe(0);
    expect(ws.sockets).toHaveLength(1);

    page.set('visible');
    await vi.advanceTimersByTimeAsync(200);
    // The resume is the only timer that fired since the page was hidden.
    expect(timers.fired.filter((atMs) => atMs > hiddenAtMs)).toHaveLength(1);
    await settle();
    const next = ws.last();
    expect(next).not.toBe(socket);
    next.open();
    await settle();
    const joins = next.sent.filter((frame) => frame.event === 'phx_join');
    expect(joins.map((frame) => frame.topic)).toEqual(['wedding:1', 'couple:1:tasks']);
    expect(joins.map((frame) => (frame.payload as { config: { sync: unknown } }).config.sync)).toEqual([
      { since: 80 },
      { since: 40 },
    ]);
    next.reply({ topic: 'wedding:1', event: 'phx_join' }, 'ok');
    next.reply({ topic: 'couple:1:tasks', event: 'phx_join' }, 'ok');
    await settle();
    expect(client.channel('wedding:1').state).toBe('joined');
    // The keystrokes held while hidden went out once, newest value only.
    expect(typed).toEqual(['a', 'abc']);
    device.dispose();
    await client.close();
  });

  it('R13.1 visible again before a slow link answered the leaves: every paused channel still rejoins', async () => {
    const { client, connectOpen, joinOk, settle } = scriptedClient({ heartbeatIntervalMs: 30_000 });
    const socket = await connectOpen();
    for (const topic of ['wedding:1', 'couple:1:tasks', 'supplier:9']) await joinOk(topic, socket);
    const page = new FakeDocument();
    const device = new DeviceSync({
      client,
      timers: systemTimers,
      visibility: page,
      battery: null,
      network: new NetworkPolicy({ connection: null }),
      isCritical: (topic) => topic === 'supplier:9',
    });
    page.set('hidden');
    await settle();
    // Over a throttled link only one leave was answered when the tab came back.
    socket.reply({ topic: 'wedding:1', event: 'phx_leave' }, 'ok');
    await settle();
    expect(client.channel('wedding:1').state).toBe('closed');
    expect(client.channel('couple:1:tasks').state).toBe('leaving');
    page.set('visible');
    await settle();
    const rejoins = socket.sent.filter((frame) => frame.event === 'phx_join').map((frame) => frame.topic);
    expect(rejoins.slice(3).sort()).toEqual(['couple:1:tasks', 'wedding:1']);
    for (const topic of ['wedding:1', 'couple:1:tasks']) socket.reply({ topic, event: 'phx_join' }, 'ok');
    await settle();
    expect(['wedding:1', 'couple:1:tasks', 'supplier:9'].map((topic) => client.channel(topic).state)).toEqual([
      'joined',
      'joined',
      'joined',
    ]);
    device.dispose();
    await client.close();
  });

  it('R13.1 after a reconnect the channels of visible content join first, then critical, then the rest', async () => {
    const { client, ws, connectOpen, joinOk, settle } = scriptedClient({ heartbeatIntervalMs: 30_000 });
    const socket = await connectOpen();
    for (const topic of ['couple:1:timeline', 'supplier:9', 'form:5', 'wedding:1']) await joinOk(topic, socket);
    const device = new DeviceSync({
      client,
      timers: systemTimers,
      visibility: null,
      battery: null,
      network: new NetworkPolicy({ connection: null }),
      isCritical: (topic) => topic === 'supplier:9',
    });
    device.setVisibleTopics(['form:5', 'wedding:1']);
    socket.serverClose(4010, 'SERVER_SHUTTING_DOWN: restart');
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    ws.last().open();
    const order = ws
      .last()
      .sent.filter((frame) => frame.event === 'phx_join')
      .map((frame) => frame.topic);
    expect(order).toEqual(['form:5', 'wedding:1', 'supplier:9', 'couple:1:timeline']);
    device.dispose();
    await client.close();
  });

  it('R13.1 visibleTopics is read at each reconnect: what the page shows then joins first', async () => {
    const { client, ws, connectOpen, joinOk, settle } = scriptedClient({ heartbeatIntervalMs: 30_000 });
    const socket = await connectOpen();
    for (const topic of ['couple:1:timeline', 'supplier:9', 'form:5', 'wedding:1']) await joinOk(topic, socket);
    let onScreen = ['form:5'];
    const device = new DeviceSync({
      client,
      timers: systemTimers,
      visibility: null,
      battery: null,
      network: new NetworkPolicy({ connection: null }),
      isCritical: (topic) => topic === 'supplier:9',
      visibleTopics: () => onScreen,
    });
    const joinsAfterRestart = async () => {
      ws.last().serverClose(4010, 'SERVER_SHUTTING_DOWN: restart');
      await vi.advanceTimersByTimeAsync(1_000);
      await settle();
      const next = ws.last();
      next.open();
      const joins = next.sent.filter((frame) => frame.event === 'phx_join').map((frame) => frame.topic);
      for (const topic of joins) next.reply({ topic, event: 'phx_join' }, 'ok');
      await settle();
      return joins;
    };
    expect(await joinsAfterRestart()).toEqual(['form:5', 'supplier:9', 'couple:1:timeline', 'wedding:1']);
    onScreen = ['couple:1:timeline'];
    expect(await joinsAfterRestart()).toEqual(['couple:1:timeline', 'supplier:9', 'form:5', 'wedding:1']);
    device.dispose();
    await client.close();
  });
});
