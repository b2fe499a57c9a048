import type { Timers } from '../connection/timers.ts';
import type { EphemeralKind } from './network-policy.ts';

interface Slot {
  kind: EphemeralKind;
  lastSentAtMs: number;
  /** The newest value not sent yet (only the newest of a burst is ever sent). */
  pending: { value: unknown; send: (value: unknown) => void } | null;
  timer: unknown;
}

/**
 * R13.1 coalescing of ephemeral updates (presence, typing, cursors, live metrics): per key, the first
 * update goes out at once, later ones at most once per `intervalMs(kind)` and only the newest value
 * of each interval. The interval is read at every update, so it drops as soon as the network becomes
 * constrained. `pause()` stops every timer and keeps only the newest value per key; `resume()` sends
 * those at once. Record mutations never go through here: they are never thinned out.
 */
export class UpdateCoalescer {
  private readonly slots = new Map<string, Slot>();
  private paused = false;

  constructor(
    private readonly timers: Timers,
    private readonly intervalMs: (kind: EphemeralKind) => number,
  ) {}

  /** Sends `value` through `send` now or later (the newest value per key wins). */
  submit<T>(kind: EphemeralKind, key: string, value: T, send: (value: T) => void): void {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { kind, lastSentAtMs: Number.NEGATIVE_INFINITY, pending: null, timer: null };
      this.slots.set(key, slot);
    }
    slot.kind = kind;
    slot.pending = { value, send: send as (value: unknown) => void };
    if (this.paused || slot.timer !== null) return;
    const dueAtMs = slot.lastSentAtMs + this.intervalMs(kind);
    const now = this.timers.now();
    if (now >= dueAtMs) this.sendNow(key, slot);
    else this.schedule(key, slot, dueAtMs - now);
  }

  /** Values waiting per key (for tests and a "saving…" hint). */
  get pendingCount(): number {
    let count = 0;
    for (const slot of this.slots.values()) if (slot.pending) count += 1;
    return count;
  }

  /** No timer runs until `resume()`; the newest value per key is kept. */
  pause(): void {
    this.paused = true;
    for (const slot of this.slots.values()) this.clearTimer(slot);
  }

  /** Sends every kept value at once, then spaces updates again. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const [key, slot] of [...this.slots]) if (slot.pending) this.sendNow(key, slot);
  }

  /** Sends every waiting value now (e.g. before the page unloads). */
  flush(): void {
    for (const [key, slot] of [...this.slots]) {
      this.clearTimer(slot);
      if (slot.pending) this.sendNow(key, slot);
    }
  }

  /** Drops waiting values and timers. */
  dispose(): void {
    for (const slot of this.slots.values()) this.clearTimer(slot);
    this.slots.clear();
  }

  /** Waits `delayMs`, then sends the newest value, or forgets the key when nothing came meanwhile. */
  private schedule(key: string, slot: Slot, delayMs: number): void {
    slot.timer = this.timers.setTimeout(() => {
      slot.timer = null;
      if (this.paused) return;
      if (slot.pending) this.sendNow(key, slot);
      else this.slots.delete(key);
    }, delayMs);
  }

  private sendNow(key: string, slot: Slot): void {
    const pending = slot.pending;
    slot.pending = null;
    slot.lastSentAtMs = this.timers.now();
    pending?.send(pending.value);
    // The interval starts now: updates until it ends wait (only the newest is kept).
    if (slot.timer === null && !this.paused) this.schedule(key, slot, this.intervalMs(slot.kind));
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer === null) return;
    this.timers.clearTimeout(slot.timer);
    slot.timer = null;
  }
}
