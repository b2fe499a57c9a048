import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTimers } from '../src/connection/timers.ts';
import { NetworkPolicy } from '../src/device/network-policy.ts';
import { UpdateCoalescer } from '../src/device/update-coalescer.ts';

/** A Network Information API double: fields the test sets, and `change` events. */
class FakeConnection extends EventTarget {
  effectiveType = '4g';
  saveData = false;
  type = 'wifi';

  set(fields: Partial<Pick<FakeConnection, 'effectiveType' | 'saveData' | 'type'>>): void {
    Object.assign(this, fields);
    this.dispatchEvent(new Event('change'));
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Types one character every 100 ms for `durationMs`; returns what was sent. */
async function typeFor(coalescer: UpdateCoalescer, durationMs: number, start = 0): Promise<number[]> {
  const sent: number[] = [];
  for (let n = start; n < start + durationMs / 100; n++) {
    coalescer.submit('typing', 'form:1/notes', n, (value) => sent.push(value));
    await vi.advanceTimersByTimeAsync(100);
  }
  return sent;
}

describe('R13.1 fewer updates on cellular or data-saver', () => {
  it('R13.1 classifies the network: wifi/4g unconstrained; cellular, data saver, 3g and low data mode constrained', () => {
    const connection = new FakeConnection();
    const policy = new NetworkPolicy({ connection });
    const reasons: Array<string | null> = [];
    policy.onChange(() => reasons.push(policy.reason));
    expect([policy.constrained, policy.mediaVariant()]).toEqual([false, 'full']);
    connection.set({ type: 'cellular' });
    expect([policy.reason, policy.mediaVariant()]).toEqual(['cellular', 'small']);
    connection.set({ type: 'wifi', saveData: true });
    expect(policy.reason).toBe('save-data');
    connection.set({ saveData: false, effectiveType: '3g' });
    expect(policy.reason).toBe('slow-network');
    connection.set({ effectiveType: '4g' });
    policy.setLowDataMode(true);
    expect(policy.reason).toBe('low-data-mode');
    policy.setLowDataMode(false);
    expect(reasons).toEqual(['cellular', 'save-data', 'slow-network', null, 'low-data-mode', null]);
    expect(new NetworkPolicy({ connection: null }).constrained).toBe(false);
    policy.dispose();
  });

  it('R13.1 typing updates drop from one per 300 ms on wifi to one per 3 s on cellular; the newest value always wins', async () => {
    const connection = new FakeConnection();
    const policy = new NetworkPolicy({ connection });
    const coalescer = new UpdateCoalescer(systemTimers, (kind) => policy.intervalMs(kind));

    const onWifi = await typeFor(coalescer, 6_000);
    await vi.advanceTimersByTimeAsync(3_000);
    connection.set({ type: 'cellular' });
    const onCellular = await typeFor(coalescer, 6_000, 1_000);
    await vi.advanceTimersByTimeAsync(3_000);

    expect(onWifi.length).toBeGreaterThanOrEqual(18);
    expect(onWifi.length).toBeLessThanOrEqual(21);
    expect(onCellular.length).toBeGreaterThanOrEqual(2);
    expect(onCellular.length).toBeLessThanOrEqual(3);
    // Nothing is reordered and the last keystroke of each burst is delivered.
    expect(onWifi.at(-1)).toBe(59);
    expect(onCellular.at(-1)).toBe(1_059);
    expect(onCellular).toEqual([...onCellular].sort((a, b) => a - b));
    expect(coalescer.pendingCount).toBe(0);
    coalescer.dispose();
  });

  it('R13.1 keys are spaced independently, and a paused coalescer runs no timer and sends the newest value on resume', async () => {
    const coalescer = new UpdateCoalescer(systemTimers, () => 1_000);
    const sent: string[] = [];
    coalescer.submit('presence', 'a', 'a1', (value) => sent.push(value));
    coalescer.submit('presence', 'b', 'b1', (value) => sent.push(value));
    coalescer.submit('presence', 'a', 'a2', (value) => sent.push(value));
    expect(sent).toEqual(['a1', 'b1']);
    coalescer.pause();
    expect(vi.getTimerCount()).toBe(0);
    coalescer.submit('presence', 'a', 'a3', (value) => sent.push(value));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual(['a1', 'b1']);
    coalescer.resume();
    expect(sent).toEqual(['a1', 'b1', 'a3']);
    await vi.advanceTimersByTimeAsync(1_000);
    // Idle keys are forgotten once their interval passed: no timer stays behind.
    expect(vi.getTimerCount()).toBe(0);
    coalescer.dispose();
  });
});
