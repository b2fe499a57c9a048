import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTimers } from '../src/connection/timers.ts';
import { BatteryPolicy } from '../src/device/battery-policy.ts';
import { DeviceSync, type PendingWrites } from '../src/device/device-sync.ts';
import { NetworkPolicy } from '../src/device/network-policy.ts';
import { scriptedClient } from './scripted-client.ts';

/** The Battery Status API double. */
class FakeBattery extends EventTarget {
  constructor(
    public level: number,
    public charging: boolean,
  ) {
    super();
  }

  set(level: number, charging: boolean): void {
    this.level = level;
    this.charging = charging;
    this.dispatchEvent(new Event('levelchange'));
    this.dispatchEvent(new Event('chargingchange'));
  }
}

/** Writes waiting per topic, as the record store's outbox would report them. */
class FakeWrites implements PendingWrites {
  readonly waiting = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  has(topic: string): boolean {
    return (this.waiting.get(topic) ?? 0) > 0;
  }

  set(topic: string, count: number): void {
    this.waiting.set(topic, count);
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('R13.1 sync paused on low battery, critical excepted', () => {
  it('R13.1 low means under 15 % and not charging; a promised battery is read when it resolves', async () => {
    const battery = new FakeBattery(0.5, false);
    const policy = new BatteryPolicy({ battery: Promise.resolve(battery) });
    await policy.ready;
    expect(policy.low).toBe(false);
    battery.set(0.14, true);
    expect(policy.low).toBe(false);
    battery.set(0.14, false);
    expect(policy.low).toBe(true);
    battery.set(0.15, false);
    expect(policy.low).toBe(false);
    expect(new BatteryPolicy({ battery: null }).low).toBe(false);
    policy.dispose();
  });

  it('R13.1 on low battery non-critical channels pause while notifications and mutations go on; charging resumes them', async () => {
    const { client, connectOpen, joinOk, settle } = scriptedClient({ heartbeatIntervalMs: 30_000 });
    const socket = await connectOpen();
    const notifications = await joinOk('supplier:9', socket);
    const wedding = await joinOk('wedding:1', socket, { getJoinPayload: () => ({ sync: { since: 12 } }) });
    await joinOk('couple:1:timeline', socket);
    const notes: unknown[] = [];
    notifications.on('notification', (payload) => notes.push(payload));
    const battery = new FakeBattery(0.1, false);
    const writes = new FakeWrites();
    const device = new DeviceSync({
      client,
      timers: systemTimers,
      visibility: null,
      battery: new BatteryPolicy({ battery }),
      network: new NetworkPolicy({ connection: null }),
      pendingWrites: writes,
      isCritical: (topic) => topic === 'supplier:9',
    });
    expect(device.pauseReason).toBe('low-battery');
    await settle();
    expect(socket.sentEvents('wedding:1').at(-1)).toBe('phx_leave');
    expect(socket.sentEvents('couple:1:timeline').at(-1)).toBe('phx_leave');
    socket.reply({ topic: 'wedding:1', event: 'phx_leave' }, 'ok');
    socket.reply({ topic: 'couple:1:timeline', event: 'phx_leave' }, 'ok');
    expect([wedding.state, notifications.state, client.status.state]).toEqual(['closed', 'joined', 'connected']);

    // Critical: a notification still arrives at once …
    socket.receive({
      joinRef: notifications.joinRef,
      ref: null,
      topic: 'supplier:9',
      event: 'notification',
      payload: { id: 'n1' },
    });
    expect(notes).toEqual([{ id: 'n1' }]);
    // … and a mutation made on a paused channel wakes it until the write went out.
    writes.set('wedding:1', 1);
    await settle();
    expect(socket.sentEvents('wedding:1').at(-1)).toBe('phx_join');
    socket.reply({ topic: 'wedding:1', event: 'phx_join' }, 'ok');
    await settle();
    expect(wedding.state).toBe('joined');
    writes.set('wedding:1', 0);
    await settle();
    expect(socket.sentEvents('wedding:1').at(-1)).toBe('phx_leave');
    socket.reply({ topic: 'wedding:1', event: 'phx_leave' }, 'ok');
    expect(device.paused).toEqual(['couple:1:timeline', 'wedding:1']);

    battery.set(0.12, true);
    await settle();
    expect(device.pauseReason).toBeNull();
    expect(socket.sentEvents('wedding:1').at(-1)).toBe('phx_join');
    expect(socket.lastSent({ topic: 'wedding:1', event: 'phx_join' }).payload).toMatchObject({
      config: { sync: { since: 12 } },
    });
    expect(socket.sentEvents('couple:1:timeline').at(-1)).toBe('phx_join');
    device.dispose();
    await client.close();
  });
});
