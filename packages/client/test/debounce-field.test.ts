import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FieldDebouncer } from '../src/debounce/field-debouncer.ts';
import type { UnloadTarget } from '../src/debounce/unload-target.ts';

class FakeWindow implements UnloadTarget {
  readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  get listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

describe('FieldDebouncer (R12.1)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('R12.1 commits text 500 ms after typing stops, with only the latest value', () => {
    const debouncer = new FieldDebouncer();
    const commits: string[] = [];
    debouncer.input('notes', 'text', 'H', (v) => commits.push(v));
    vi.advanceTimersByTime(300);
    debouncer.input('notes', 'text', 'He', (v) => commits.push(v));
    vi.advanceTimersByTime(499);
    expect(commits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(commits).toEqual(['He']);
    expect(vi.getTimerCount()).toBe(0);
    debouncer.close();
  });

  it('R12.1 commits number and slider inputs 200 ms after the last change', () => {
    const debouncer = new FieldDebouncer();
    const commits: Array<[string, number]> = [];
    debouncer.input('guests', 'number', 120, (v) => commits.push(['guests', v]));
    debouncer.input('budget', 'slider', 5, (v) => commits.push(['budget', v]));
    vi.advanceTimersByTime(150);
    debouncer.input('budget', 'slider', 7, (v) => commits.push(['budget', v]));
    vi.advanceTimersByTime(50);
    expect(commits).toEqual([['guests', 120]]);
    vi.advanceTimersByTime(149);
    expect(commits).toEqual([['guests', 120]]);
    vi.advanceTimersByTime(1);
    expect(commits).toEqual([
      ['guests', 120],
      ['budget', 7],
    ]);
    debouncer.close();
  });

  it('R12.1 commits checkbox and radio changes immediately, without a timer', () => {
    const debouncer = new FieldDebouncer();
    const commits: unknown[] = [];
    debouncer.input('vegan', 'checkbox', true, (v) => commits.push(v));
    debouncer.input('menu', 'radio', 'fish', (v) => commits.push(v));
    expect(commits).toEqual([true, 'fish']);
    expect(vi.getTimerCount()).toBe(0);
    debouncer.close();
  });

  it('R12.1 flushes a field on blur and cancels drops it', () => {
    const debouncer = new FieldDebouncer();
    const commits: string[] = [];
    debouncer.input('a', 'text', 'typed', (v) => commits.push(v));
    debouncer.input('b', 'text', 'discarded', (v) => commits.push(v));
    expect(debouncer.flush('a')).toBe(true);
    expect(debouncer.flush('a')).toBe(false);
    debouncer.cancel('b');
    vi.advanceTimersByTime(10_000);
    expect(commits).toEqual(['typed']);
    expect(debouncer.pendingCount).toBe(0);
    debouncer.close();
  });

  it('R12.1 flushes everything before unload and close leaves no timers or listeners', () => {
    const window = new FakeWindow();
    const debouncer = new FieldDebouncer({ unloadTarget: window });
    const commits: string[] = [];
    debouncer.input('a', 'text', 'one', (v) => commits.push(v));
    debouncer.input('b', 'number', 'two', (v) => commits.push(v));
    window.dispatch('pagehide');
    expect(commits).toEqual(['one', 'two']);
    debouncer.input('c', 'text', 'three', (v) => commits.push(v));
    expect(vi.getTimerCount()).toBe(1);
    debouncer.close({ flush: false });
    expect(vi.getTimerCount()).toBe(0);
    expect(window.listenerCount).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(commits).toEqual(['one', 'two']);
    expect(() => debouncer.input('d', 'text', 'x', () => {})).toThrow(/closed/);
  });

  it('R12.1 R11.1 commits pending values when the page is hidden (mobile may discard it without unload)', () => {
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const debouncer = new FieldDebouncer({ visibility: page });
    const commits: string[] = [];
    debouncer.input('a', 'text', 'typed 100 ms ago', (v) => commits.push(v));
    vi.advanceTimersByTime(100);
    page.dispatchEvent(new Event('visibilitychange'));
    expect(commits).toEqual([]);
    page.visibilityState = 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
    expect(commits).toEqual(['typed 100 ms ago']);
    expect(vi.getTimerCount()).toBe(0);
    debouncer.close();
    debouncer.close();
  });

  it('R12.1 honours injected policy overrides and injected timers', () => {
    const scheduled: Array<{ run: () => void; delayMs: number; cleared: boolean }> = [];
    const debouncer = new FieldDebouncer({
      policy: { text: 50 },
      timers: {
        setTimeout: (run, delayMs) => {
          const entry = { run, delayMs, cleared: false };
          scheduled.push(entry);
          return entry;
        },
        clearTimeout: (handle) => {
          (handle as { cleared: boolean }).cleared = true;
        },
        now: () => 0,
      },
    });
    const commits: string[] = [];
    debouncer.input('a', 'text', 'x', (v) => commits.push(v));
    expect(scheduled.map((s) => s.delayMs)).toEqual([50]);
    scheduled[0]!.run();
    expect(commits).toEqual(['x']);
    debouncer.close();
  });
});
