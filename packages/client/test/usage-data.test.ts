import { afterEach, describe, expect, it } from 'vitest';
import { DataUsageMeter, type UsageStorage } from '../src/usage/data-usage.ts';
import { channelState, ServerFixture, signToken } from './server-fixture.ts';

class MemoryStorage implements UsageStorage {
  readonly items = new Map<string, string>();
  writes = 0;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes += 1;
    this.items.set(key, value);
  }
}

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

describe('R13.2 data usage per session and per day', () => {
  it('R13.2 counts per session and per day on an injected clock; the day rolls over; totals survive a reload', () => {
    let nowMs = Date.UTC(2026, 5, 1, 23, 0);
    const dayKey = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
    const storage = new MemoryStorage();
    const meter = new DataUsageMeter({ nowMs: () => nowMs, dayKey, storage, saveIntervalMs: 60_000 });
    meter.record('sent', 100);
    meter.record('received', 1_000);
    nowMs += 30_000;
    meter.record('received', 500);
    expect(storage.writes).toBe(1);
    expect(meter.usage()).toEqual({
      sessionSent: 100,
      sessionReceived: 1_500,
      today: { day: '2026-06-01', sent: 100, received: 1_500 },
    });
    nowMs += 2 * 3_600_000;
    meter.record('sent', 7);
    expect(meter.usage()).toEqual({
      sessionSent: 107,
      sessionReceived: 1_500,
      today: { day: '2026-06-02', sent: 7, received: 0 },
    });
    meter.flush();
    const reloaded = new DataUsageMeter({ nowMs: () => nowMs, dayKey, storage });
    expect(reloaded.usage()).toEqual({
      sessionSent: 0,
      sessionReceived: 0,
      today: { day: '2026-06-02', sent: 7, received: 0 },
    });
    expect(reloaded.history()).toEqual([
      { day: '2026-06-01', sent: 100, received: 1_500 },
      { day: '2026-06-02', sent: 7, received: 0 },
    ]);
  });

  it('R13.2 a corrupt or unavailable storage never breaks counting', () => {
    const broken: UsageStorage = {
      getItem: () => '{not json',
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const meter = new DataUsageMeter({ storage: broken, saveIntervalMs: 0 });
    meter.record('sent', 10);
    expect(meter.usage()).toMatchObject({ sessionSent: 10, today: { sent: 10 } });
  });

  it('R13.2 client.usage() counts the bytes of the real link (frames sent and received)', async () => {
    const { wsUrl } = await fixture.start({ rateLimit: false });
    const client = fixture.client({ url: wsUrl, token: await signToken('ann') });
    const listener = fixture.client({ url: wsUrl, token: await signToken('bob') });
    const heard = listener.channel('wedding:7');
    await heard.join();
    const channel = client.channel('wedding:7', { broadcast: { ack: true } });
    await channel.join();
    await channelState(channel, 'joined');
    const before = client.usage();
    const payload = { text: 'x'.repeat(2_000) };
    await channel.broadcast('note', payload);
    const after = client.usage();
    expect(after.sessionSent - before.sessionSent).toBeGreaterThan(2_000);
    expect(after.sessionReceived).toBeGreaterThan(0);
    expect(after.today.sent).toBe(after.sessionSent);
    expect(listener.usage().sessionReceived).toBeGreaterThan(2_000);
  });
});
