import type { Channel } from '@wedsync/client';
import { EVENTS, type LockHolder, type LockRequest, type LockStatePayload } from '@wedsync/protocol';

export interface LockTarget {
  c: string;
  id: string;
  /** Field id; absent for a record lock (R10.2). */
  f?: number;
}

export interface LockInfo {
  holder: LockHolder;
  /** Epoch ms; the server frees the lock then unless renewed (30 s by default). */
  expiresAtMs: number | null;
  /** This tab holds it (acquired here and not released). */
  mine: boolean;
}

const keyOf = (target: LockTarget) => `${target.c}\u0000${target.id}\u0000${target.f ?? ''}`;

/**
 * Field and record locks of one channel as this tab sees them (R4.1): follows `lock_state` notices
 * (the server sends the current locks at join), and acquires, renews and releases through the channel.
 * A lock shows as someone else's when another session holds it, even if it is the same person in
 * another tab. Call `dispose()` to stop listening; it releases what this tab holds.
 */
export class LockTracker {
  readonly #channel: Channel;
  readonly #locks = new Map<string, { target: LockTarget; holder: LockHolder; expiresAtMs: number | null }>();
  readonly #mine = new Set<string>();
  /** Notices seen per lock key, so a late refusal never overrides a newer notice. */
  readonly #notices = new Map<string, number>();
  readonly #listeners = new Set<() => void>();
  readonly #stop: () => void;
  #version = 0;

  constructor(channel: Channel) {
    this.#channel = channel;
    this.#stop = channel.on(EVENTS.lockState, (payload) => {
      const state = payload as LockStatePayload;
      const key = keyOf(
        state.f === undefined ? { c: state.c, id: state.id } : { c: state.c, id: state.id, f: state.f },
      );
      this.#notices.set(key, (this.#notices.get(key) ?? 0) + 1);
      this.#apply(state);
    });
  }

  /** Increases on every change; a cheap snapshot key for React. */
  get version(): number {
    return this.#version;
  }

  info(target: LockTarget, nowMs = Date.now()): LockInfo | null {
    const key = keyOf(target);
    const lock = this.#locks.get(key);
    if (!lock || (lock.expiresAtMs !== null && lock.expiresAtMs <= nowMs)) return null;
    return { holder: lock.holder, expiresAtMs: lock.expiresAtMs, mine: this.#mine.has(key) };
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes the lock; resolves false (with the holder recorded) when someone else holds it. */
  async acquire(target: LockTarget): Promise<boolean> {
    const noticesBefore = this.#notices.get(keyOf(target)) ?? 0;
    try {
      const reply = (await this.#channel.push(EVENTS.lock, this.#request('acquire', target))) as LockStatePayload;
      this.#mine.add(keyOf(target));
      this.#apply(reply);
      return true;
    } catch (error) {
      const details = (error as { details?: Partial<LockStatePayload> }).details;
      const superseded = (this.#notices.get(keyOf(target)) ?? 0) !== noticesBefore;
      if (details?.holder && !superseded) this.#apply({ ...target, ...details } as LockStatePayload);
      return false;
    }
  }

  /** Extends a held lock (while typing); resolves false when it was lost. */
  async renew(target: LockTarget): Promise<boolean> {
    if (!this.#mine.has(keyOf(target))) return false;
    try {
      this.#apply((await this.#channel.push(EVENTS.lock, this.#request('renew', target))) as LockStatePayload);
      return true;
    } catch {
      this.#mine.delete(keyOf(target));
      this.#emit();
      return false;
    }
  }

  async release(target: LockTarget): Promise<void> {
    const key = keyOf(target);
    if (!this.#mine.delete(key)) return;
    this.#locks.delete(key);
    this.#emit();
    await this.#channel.push(EVENTS.lock, this.#request('release', target)).catch(() => undefined);
  }

  dispose(): void {
    this.#stop();
    for (const key of [...this.#mine]) {
      const lock = this.#locks.get(key);
      if (lock) void this.release(lock.target);
    }
    this.#listeners.clear();
  }

  #request(action: LockRequest['action'], target: LockTarget): LockRequest {
    return target.f === undefined
      ? { action, c: target.c, id: target.id }
      : { action, c: target.c, id: target.id, f: target.f };
  }

  #apply(state: LockStatePayload): void {
    const target: LockTarget =
      state.f === undefined ? { c: state.c, id: state.id } : { c: state.c, id: state.id, f: state.f };
    const key = keyOf(target);
    if (state.holder) {
      const expiresAtMs = state.expiresAt ? Date.parse(state.expiresAt) : null;
      this.#locks.set(key, {
        target,
        holder: state.holder,
        expiresAtMs: Number.isFinite(expiresAtMs) ? expiresAtMs : null,
      });
    } else {
      this.#locks.delete(key);
      this.#mine.delete(key);
    }
    this.#emit();
  }

  #emit(): void {
    this.#version += 1;
    for (const listener of this.#listeners) listener();
  }
}
