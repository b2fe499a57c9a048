import { systemTimers, type Timers } from '../connection/timers.ts';
import type { VisibilityLike } from '../device/device-sync.ts';
import { onPageHide, type UnloadTarget } from './unload-target.ts';

export interface BatcherOptions<T> {
  /** Longest time an item waits before its batch is sent: 2 000 for form saves, 10 000 for analytics (R12.1). */
  intervalMs: number;
  /** Receives each batch, oldest item first; never called with an empty batch. */
  send: (items: T[]) => void;
  /** Items with the same key replace each other (only the latest value of a form field travels). */
  keyOf?: (item: T) => string;
  timers?: Timers;
  /** A `window`: the batch is flushed before unload. */
  unloadTarget?: UnloadTarget;
  /** A `document`: the batch is flushed when the page is hidden (it may never unload). */
  visibility?: VisibilityLike;
}

/**
 * Collects items and sends them together (R12.1, R12.2): the first item of a batch starts one timer of
 * `intervalMs`; when it fires everything collected goes in one call. No timer runs while the batch is
 * empty (no idle wake-ups). `flush` sends now; `close` leaves no timer or listener behind.
 */
export class Batcher<T> {
  readonly #options: BatcherOptions<T>;
  readonly #timers: Timers;
  readonly #items = new Map<string, T>();
  readonly #removeUnload: () => void;
  #handle: unknown;
  #timerSet = false;
  #nextKey = 0;
  #closed = false;

  constructor(options: BatcherOptions<T>) {
    if (!(options.intervalMs > 0)) throw new Error('Batcher intervalMs must be positive');
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#removeUnload = onPageHide(options.unloadTarget, options.visibility, () => this.flush());
  }

  add(item: T): void {
    if (this.#closed) throw new Error('Batcher is closed');
    const key = this.#options.keyOf?.(item) ?? `#${this.#nextKey++}`;
    // A replaced key moves to the end, so the batch stays in order of last change.
    this.#items.delete(key);
    this.#items.set(key, item);
    if (!this.#timerSet) {
      this.#timerSet = true;
      this.#handle = this.#timers.setTimeout(() => {
        this.#timerSet = false;
        this.flush();
      }, this.#options.intervalMs);
    }
  }

  /** Sends everything collected now (no-op when empty). */
  flush(): void {
    if (this.#timerSet) {
      this.#timers.clearTimeout(this.#handle);
      this.#timerSet = false;
    }
    if (this.#items.size === 0) return;
    const items = [...this.#items.values()];
    this.#items.clear();
    this.#options.send(items);
  }

  get size(): number {
    return this.#items.size;
  }

  /** Stops for good: the batch is sent (default) or dropped; no timer or listener remains. */
  close(options: { flush?: boolean } = {}): void {
    if (this.#closed) return;
    if (options.flush ?? true) this.flush();
    if (this.#timerSet) this.#timers.clearTimeout(this.#handle);
    this.#timerSet = false;
    this.#items.clear();
    this.#removeUnload();
    this.#closed = true;
  }
}
