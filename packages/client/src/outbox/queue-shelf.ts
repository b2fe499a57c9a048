import type { StorageLike } from './local-storage-queue-storage.ts';
import { type PersistedSyncState, parseSyncState } from './queue-storage.ts';

/** Who keeps a queue alive, until when (epoch ms). A live store renews its lease well before it ends. */
export interface QueueLease {
  holder: string;
  expiresAtMs: number;
}

/**
 * The queues of one person side by side in one browser (one per tab, R11.1), each under its own key,
 * with a lease per queue so an open tab can tell a queue whose tab is gone (no lease, or an expired
 * one) and send what it left behind. Synchronous, like `localStorage`, which every tab of an origin
 * shares. Leases are advisory: two tabs replaying one queue is safe (same clientId and mids, the
 * server acknowledges the second as `duplicate`), so they only keep the work from being done twice.
 */
export interface QueueShelf {
  /** Keys of every queue on the shelf, sorted. */
  keys(): string[];
  /** A queue's saved document (null when absent); throws `QueueStorageError` when it is damaged. */
  load(key: string): PersistedSyncState | null;
  /** The saved document's text, to tell whether it changed (null when absent). */
  rawDocument(key: string): string | null;
  /** Removes a queue and its lease. */
  remove(key: string): void;
  readLease(key: string): QueueLease | null;
  /** Writes (or with null, drops) the lease of a queue. */
  writeLease(key: string, lease: QueueLease | null): void;
}

/** `localStorage` with an index (`key(i)`, `length`), as browsers have it. */
export interface IndexedStorageLike extends StorageLike {
  readonly length: number;
  key(index: number): string | null;
}

const LEASE_SUFFIX = '.lease';

/**
 * The browser shelf: the queues are the `localStorage` items named `prefix` or `prefix.…` (e.g. the
 * person's main queue `wedsync.sync.{userId}` and per-tab ones `wedsync.sync.{userId}.tab-…`); a
 * queue's lease is the item `{key}.lease`.
 */
export class LocalStorageQueueShelf implements QueueShelf {
  readonly #storage: IndexedStorageLike;
  readonly #prefix: string;

  constructor(storage: IndexedStorageLike, prefix: string) {
    this.#storage = storage;
    this.#prefix = prefix;
  }

  keys(): string[] {
    const keys: string[] = [];
    for (let index = 0; index < this.#storage.length; index++) {
      const key = this.#storage.key(index);
      if (key === null || key.endsWith(LEASE_SUFFIX)) continue;
      if (key === this.#prefix || key.startsWith(`${this.#prefix}.`)) keys.push(key);
    }
    return keys.sort();
  }

  load(key: string): PersistedSyncState | null {
    const text = this.#storage.getItem(key);
    return text === null ? null : parseSyncState(text);
  }

  rawDocument(key: string): string | null {
    return this.#storage.getItem(key);
  }

  remove(key: string): void {
    this.#storage.removeItem(key);
    this.#storage.removeItem(`${key}${LEASE_SUFFIX}`);
  }

  readLease(key: string): QueueLease | null {
    try {
      const lease = JSON.parse(this.#storage.getItem(`${key}${LEASE_SUFFIX}`) ?? 'null') as QueueLease | null;
      return lease && typeof lease.holder === 'string' && typeof lease.expiresAtMs === 'number' ? lease : null;
    } catch {
      return null;
    }
  }

  writeLease(key: string, lease: QueueLease | null): void {
    if (lease) this.#storage.setItem(`${key}${LEASE_SUFFIX}`, JSON.stringify(lease));
    else this.#storage.removeItem(`${key}${LEASE_SUFFIX}`);
  }
}
