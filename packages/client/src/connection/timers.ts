/**
 * The clock and timers the SDK runs on. Injected so tests can drive time (vitest fake timers or a
 * hand-made clock). Every timer the SDK starts goes through here, so `close()` can prove none is left.
 */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Largest delay `setTimeout` accepts (2^31 − 1 ms); longer delays fire at once in every runtime. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * The platform's timers, looked up at call time (not at construction) so fake timers installed after
 * the client was created still take over.
 */
export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) =>
    globalThis.setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS)),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
};

/** One restartable timer slot: starting it again cancels the previous run. */
export class TimerSlot {
  private handle: unknown = null;

  constructor(private readonly timers: Timers) {}

  get active(): boolean {
    return this.handle !== null;
  }

  start(delayMs: number, callback: () => void): void {
    this.stop();
    const handle = this.timers.setTimeout(
      () => {
        if (this.handle !== handle) return;
        this.handle = null;
        callback();
      },
      Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS),
    );
    this.handle = handle;
  }

  stop(): void {
    if (this.handle === null) return;
    this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
