import type { LockRow } from '../storage/storage.ts';

export interface ScopeLockCacheOptions {
  /** Live locks of a scope from storage (`Storage.locksIn` at the current time). */
  read: (scope: string) => Promise<LockRow[]>;
  nowMs: () => number;
  /**
   * A read is shared at most this long (default 1 000): lock renewals are not announced, so this bounds
   * how old an `expiresAt` a joining member can be told.
   */
  maxAgeMs?: number;
  /** Scopes kept at most; beyond, the cache starts over. Default 10 000. */
  maxScopes?: number;
}

interface Entry {
  rows: Promise<LockRow[]>;
  /** The scope's change count when the read began. */
  changes: number;
  /** The bus epoch when the read began. */
  epoch: number;
  readAtMs: number;
}

/**
 * The live locks of a scope as told to members joining its channels (R4.1), read from storage once
 * for all the members of a room that rejoin in a reconnect storm (issue 9) instead of once each.
 *
 * Why sharing is safe: a joining member gets lock notices from the moment it is a member. Every lock
 * change is announced (acquire, release, leave, disconnect, expiry sweep) on this node and, over the
 * bus, on the others; each announcement of a scope reaching this node (`noteChange`) makes the reads of
 * that scope begun before it unusable. So a read is shared only while no change of its scope has
 * reached this node since it began: whatever changed after it began is either in it or reaches the
 * member as a notice. A bus status change (`noteBusChange`: notices may have been lost meanwhile)
 * drops every read. Unannounced: renewals (bounded by `maxAgeMs`) and expiries (filtered at `get`).
 */
export class ScopeLockCache {
  private readonly entries = new Map<string, Entry>();
  private readonly changes = new Map<string, number>();
  private epoch = 0;
  private readonly maxAgeMs: number;
  private readonly maxScopes: number;

  constructor(private readonly options: ScopeLockCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 1_000;
    this.maxScopes = options.maxScopes ?? 10_000;
  }

  /** The scope's locks unexpired now, for a caller that is already a member (it gets notices). */
  async get(scope: string): Promise<LockRow[]> {
    const entry = this.usable(scope) ?? this.read(scope);
    const rows = await entry.rows;
    const now = this.options.nowMs();
    return rows.filter((row) => row.expiresAtMs > now);
  }

  /** A lock of `scope` was acquired or freed (announced here or received from another node). */
  noteChange(scope: string): void {
    if (!this.entries.has(scope)) return;
    this.changes.set(scope, (this.changes.get(scope) ?? 0) + 1);
  }

  /** The bus went down or came back: notices may have been lost, so no read is shared any more. */
  noteBusChange(): void {
    this.epoch++;
    this.entries.clear();
    this.changes.clear();
  }

  /** Scopes with a read kept (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private usable(scope: string): Entry | undefined {
    const entry = this.entries.get(scope);
    if (!entry) return undefined;
    const fresh =
      entry.epoch === this.epoch &&
      entry.changes === (this.changes.get(scope) ?? 0) &&
      this.options.nowMs() - entry.readAtMs <= this.maxAgeMs;
    if (fresh) return entry;
    this.entries.delete(scope);
    this.changes.delete(scope);
    return undefined;
  }

  private read(scope: string): Entry {
    if (this.entries.size >= this.maxScopes && !this.entries.has(scope)) {
      this.entries.clear();
      this.changes.clear();
    }
    const entry: Entry = {
      rows: this.options.read(scope),
      changes: this.changes.get(scope) ?? 0,
      epoch: this.epoch,
      readAtMs: this.options.nowMs(),
    };
    this.entries.set(scope, entry);
    entry.rows.catch(() => {
      if (this.entries.get(scope) === entry) this.entries.delete(scope);
    });
    return entry;
  }
}
