import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../src/debounce/batcher.ts';
import { BATCH_INTERVAL_MS } from '../src/debounce/debounce-policy.ts';

describe('Batcher (R12.1)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('R12.1 sends form saves together every 2 s, only the latest value per field', () => {
    const batches: Array<Array<{ field: string; value: string }>> = [];
    const batcher = new Batcher<{ field: string; value: string }>({
      intervalMs: BATCH_INTERVAL_MS.formSave,
      send: (items) => batches.push(items),
      keyOf: (item) => item.field,
    });
    batcher.add({ field: 'date', value: '2026-06-01' });
    vi.advanceTimersByTime(1_000);
    batcher.add({ field: 'venue', value: 'Barn' });
    batcher.add({ field: 'date', value: '2026-06-02' });
    vi.advanceTimersByTime(999);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([
      [
        { field: 'venue', value: 'Barn' },
        { field: 'date', value: '2026-06-02' },
      ],
    ]);
    expect(vi.getTimerCount()).toBe(0);
    batcher.close();
  });

  it('R12.1 sends analytics every 10 s and keeps no timer while idle', () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number>({
      intervalMs: BATCH_INTERVAL_MS.analytics,
      send: (items) => batches.push(items),
    });
    expect(vi.getTimerCount()).toBe(0);
    batcher.add(1);
    batcher.add(2);
    vi.advanceTimersByTime(9_999);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1, 2]]);
    vi.advanceTimersByTime(60_000);
    expect(batches).toHaveLength(1);
    batcher.add(3);
    vi.advanceTimersByTime(10_000);
    expect(batches).toEqual([[1, 2], [3]]);
    batcher.close();
  });

  it('R12.1 flushes before unload and close leaves no timer', () => {
    const listeners = new Map<string, () => void>();
    const window = {
      addEventListener: (type: string, listener: () => void) => listeners.set(type, listener),
      removeEventListener: (type: string) => listeners.delete(type),
    };
    const batches: number[][] = [];
    const batcher = new Batcher<number>({
      intervalMs: 2_000,
      send: (items) => batches.push(items),
      unloadTarget: window,
    });
    batcher.add(1);
    listeners.get('beforeunload')!();
    expect(batches).toEqual([[1]]);
    batcher.add(2);
    batcher.close({ flush: false });
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners.size).toBe(0);
    expect(batches).toEqual([[1]]);
  });

  it('R12.1 R11.1 flushes when the page is hidden (it may be discarded without unload)', () => {
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const batches: number[][] = [];
    const batcher = new Batcher<number>({ intervalMs: 2_000, send: (items) => batches.push(items), visibility: page });
    batcher.add(1);
    page.dispatchEvent(new Event('visibilitychange'));
    expect(batches).toEqual([]);
    page.visibilityState = 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
    expect(batches).toEqual([[1]]);
    expect(vi.getTimerCount()).toBe(0);
    batcher.close();
  });
});
