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
 *
 * Ordering contract: the server announces a granted lock to the channel (this tab included) before it
 * replies to the acquire, so while an acquire is in flight the lock counts as this tab's — otherwise the
 * focused input would flip to read-only under the user's cursor and lose its focus (and with it the blur
 * that releases). A release asked while the acquire is in flight is sent as soon as it is granted; an
 * acquire asked after a release supersedes it (the latest wish wins, one request at a time per lock).
 */
export class LockTracker {
  readonly #channel: Channel;
  readonly #locks = new Map<string, { target: LockTarget; holder: LockHolder; expiresAtMs: number | null }>();
  readonly #mine = new Set<string>();
  /** Acquires in flight, per lock key; their locks count as mine until refused. */
  readonly #acquiring = new Map<string, Promise<boolean>>();
  /** The latest wish per lock key (true: hold it), so a blur during an acquire still releases. */
  readonly #wanted = new Map<string, boolean>();
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
    return {
      holder: lock.holder,
      expiresAtMs: lock.expiresAtMs,
      mine: this.#mine.has(key) || this.#acquiring.has(key),
    };
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes the lock; resolves false (with the holder recorded) when someone else holds it. */
  acquire(target: LockTarget): Promise<boolean> {
    const key = keyOf(target);
    this.#wanted.set(key, true);
    const inFlight = this.#acquiring.get(key);
    if (inFlight) return inFlight;
    if (this.#mine.has(key)) return Promise.resolve(true);
    const attempt = this.#sendAcquire(target).finally(() => {
      this.#acquiring.delete(key);
      // Blurred while the acquire travelled: give the lock back now that it is ours.
      if (this.#wanted.get(key) === false && this.#mine.has(key)) void this.release(target);
      else this.#emit();
    });
    this.#acquiring.set(key, attempt);
    return attempt;
  }

  async #sendAcquire(target: LockTarget): Promise<boolean> {
    const key = keyOf(target);
    const noticesBefore = this.#notices.get(key) ?? 0;
    try {
      const reply = (await this.#channel.push(EVENTS.lock, this.#request('acquire', target))) as LockStatePayload;
      this.#mine.add(key);
      this.#apply(reply);
      return true;
    } catch (error) {
      const details = (error as { details?: Partial<LockStatePayload> }).details;
      const superseded = (this.#notices.get(key) ?? 0) !== noticesBefore;
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

  /** Gives the lock back; asked during an acquire, it is sent once the acquire is granted. */
  async release(target: LockTarget): Promise<void> {
    const key = keyOf(target);
    this.#wanted.set(key, false);
    if (this.#acquiring.has(key)) return;
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
    for (const key of this.#acquiring.keys()) this.#wanted.set(key, false);
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
