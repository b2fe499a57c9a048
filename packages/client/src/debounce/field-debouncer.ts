import { systemTimers, type Timers } from '../connection/timers.ts';
import type { VisibilityLike } from '../device/device-sync.ts';
import { DEBOUNCE_DELAY_MS, type DebouncePolicy, type InputKind } from './debounce-policy.ts';
import { onPageHide, type UnloadTarget } from './unload-target.ts';

export interface FieldDebouncerOptions {
  /** Overrides of the per-kind delays (ms); defaults are R12.1's. */
  policy?: Partial<DebouncePolicy>;
  timers?: Timers;
  /** A `window`: everything pending is flushed before unload. */
  unloadTarget?: UnloadTarget;
  /** A `document`: everything pending is flushed when the page is hidden (it may never unload). */
  visibility?: VisibilityLike;
}

interface PendingInput {
  handle: unknown;
  commit: () => void;
}

/**
 * Trailing-edge debouncing per input (R12.1): each input key keeps only its latest value, which is
 * committed once the kind's delay has passed since its last change — text 500 ms after typing
 * stops, number/slider 200 ms, checkbox/radio at once. `flush` on blur, `flushAll` before unload
 * or when the page is hidden (automatic with `unloadTarget` / `visibility`), `close` leaves no timer
 * or listener behind.
 */
export class FieldDebouncer {
  readonly #policy: DebouncePolicy;
  readonly #timers: Timers;
  readonly #pending = new Map<string, PendingInput>();
  readonly #removeUnload: () => void;
  #closed = false;

  constructor(options: FieldDebouncerOptions = {}) {
    this.#policy = { ...DEBOUNCE_DELAY_MS, ...options.policy };
    this.#timers = options.timers ?? systemTimers;
    this.#removeUnload = onPageHide(options.unloadTarget, options.visibility, () => this.flushAll());
  }

  /** Records the latest value of input `key`; `commit(value)` runs once the input has been still for its delay. */
  input<T>(key: string, kind: InputKind, value: T, commit: (value: T) => void): void {
    if (this.#closed) throw new Error('FieldDebouncer is closed');
    this.#clear(key);
    const delayMs = this.#policy[kind];
    if (delayMs <= 0) {
      commit(value);
      return;
    }
    const entry: PendingInput = { handle: undefined, commit: () => commit(value) };
    entry.handle = this.#timers.setTimeout(() => this.flush(key), delayMs);
    this.#pending.set(key, entry);
  }

  /** Commits input `key` now if it has a pending value (on blur); returns whether it had one. */
  flush(key: string): boolean {
    const entry = this.#pending.get(key);
    if (!entry) return false;
    this.#clear(key);
    entry.commit();
    return true;
  }

  /** Commits every pending input now (before unload, before going offline on purpose). */
  flushAll(): void {
    for (const key of [...this.#pending.keys()]) this.flush(key);
  }

  /** Drops input `key`'s pending value without committing it. */
  cancel(key: string): void {
    this.#clear(key);
  }

  isPending(key: string): boolean {
    return this.#pending.has(key);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Stops for good: pending values are committed (default) or dropped; no timer or listener remains. */
  close(options: { flush?: boolean } = {}): void {
    if (this.#closed) return;
    if (options.flush ?? true) this.flushAll();
    for (const key of [...this.#pending.keys()]) this.#clear(key);
    this.#removeUnload();
    this.#closed = true;
  }

  #clear(key: string): void {
    const entry = this.#pending.get(key);
    if (!entry) return;
    this.#timers.clearTimeout(entry.handle);
    this.#pending.delete(key);
  }
}
