import type { Storage, StoredChange } from '../storage/storage.ts';

export interface ChangePumpOptions {
  storage: Storage;
  /** The scopes this node's channels carry, read afresh for every log read. */
  scopes: () => readonly string[];
  deliver: (rows: StoredChange[]) => void;
  /**
   * Awaited before each batch is delivered (`RecordSyncHooks.beforeDeliver`), on the read path and the
   * fast path alike; batches still go out one at a time in `seq` order. A rejection holds the batch
   * back: the cursor stays, and the next hint or poll reads it again. Absent: delivery is synchronous.
   */
  beforeDeliver?: (rows: readonly StoredChange[], upToSeq: number) => Promise<void>;
  /** Rows per log read; all rows of one read go out as one frame per channel. */
  readBatchSize: number;
  onError: (error: unknown) => void;
}

/**
 * The per-node reader of the change log (DESIGN §1, R3). Bus hints and polls only say "there may be
 * something after seq n"; the pump reads the log from its cursor, in `seq` order, for every scope a
 * local channel carries. A lost hint therefore only delays delivery until the next hint or poll.
 *
 * Cursor rule: the log is commit-ordered (Storage contract), so after a read that returned fewer rows
 * than asked, every change up to the head known before the read has been seen; the cursor moves there.
 * One read is in flight at a time; hints arriving meanwhile coalesce into one follow-up read.
 * Fast path (`offer`): a commit's own changes that continue the cursor need no read at all.
 */
export class ChangePump {
  private cursor: number;
  private knownHead: number;
  private dirty = false;
  private readHead = false;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly options: ChangePumpOptions,
    startSeq: number,
  ) {
    this.cursor = startSeq;
    this.knownHead = startSeq;
  }

  /** Everything up to this `seq` has been delivered to this node's channels. */
  get cursorSeq(): number {
    return this.cursor;
  }

  /** The highest committed `seq` this node has heard of (a lower bound of the log's head). */
  get knownHeadSeq(): number {
    return this.knownHead;
  }

  /** A change with this `seq` is committed (from a local commit or a bus hint). */
  noteHead(seq: number): void {
    if (seq > this.knownHead) this.knownHead = seq;
    if (seq > this.cursor) this.schedule(false);
  }

  /**
   * Changes just committed (by this node, or carried by a bus hint), in `seq` order. When they continue
   * the cursor without a gap (`seq`s are consecutive per commit, Storage contract) and no read is in
   * flight, they are delivered as they are, without a log read; otherwise the log is read.
   */
  offer(changes: readonly StoredChange[]): void {
    const first = changes[0];
    const last = changes.at(-1);
    if (!first || !last || last.seq <= this.cursor) return;
    const continues = first.seq === this.cursor + 1 && changes.every((change, i) => change.seq === first.seq + i);
    if (!continues || this.running || this.closed) {
      this.noteHead(last.seq);
      return;
    }
    if (last.seq > this.knownHead) this.knownHead = last.seq;
    const rows = [...changes];
    if (!this.options.beforeDeliver) {
      this.cursor = last.seq;
      this.options.deliver(rows);
      return;
    }
    // Held as the running read, so hints meanwhile queue behind it and order is kept.
    this.running = this.deliverOffered(rows);
  }

  /** The fast path with a `beforeDeliver` hook: wait for it, deliver, then read whatever queued meanwhile. */
  private async deliverOffered(rows: StoredChange[]): Promise<void> {
    const last = rows.at(-1)?.seq ?? this.cursor;
    try {
      const carried = new Set(this.options.scopes());
      if (rows.some((row) => carried.has(row.scope))) await this.options.beforeDeliver?.(rows, last);
      if (!this.closed) {
        this.options.deliver(rows);
        this.cursor = Math.max(this.cursor, last);
      }
    } catch (error) {
      // The cursor stays: a read queued meanwhile (or the next hint or poll) delivers these rows.
      this.options.onError(error);
    }
    await this.drain();
  }

  /** Reads the log now; `readHead` asks storage for the head first (polls, bus recovery). */
  schedule(readHead = true): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.dirty = true;
    if (readHead) this.readHead = true;
    this.running ??= this.drain();
    return this.running;
  }

  /** Resolves once no read is in flight or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running?.catch(() => undefined);
  }

  /**
   * Reads until nothing is queued. It owns `running`: it clears it in the same turn in which it sees
   * nothing queued, so a `schedule` from then on starts a new read (no wake-up is lost).
   */
  private async drain(): Promise<void> {
    const { storage, readBatchSize } = this.options;
    await undefined; // `running` is assigned before the loop can end
    for (;;) {
      if (!this.dirty || this.closed) {
        this.running = undefined;
        return;
      }
      this.dirty = false;
      try {
        if (this.readHead) {
          this.readHead = false;
          const head = await storage.headSeq();
          if (head > this.knownHead) this.knownHead = head;
        }
        const head = this.knownHead;
        const scopes = this.options.scopes();
        if (scopes.length === 0) {
          if (head > this.cursor) this.cursor = head;
          continue;
        }
        const rows = await storage.changesSince(scopes, this.cursor, readBatchSize);
        if (this.closed) return;
        if (rows.length > 0 && this.options.beforeDeliver) {
          await this.options.beforeDeliver(rows, rows.at(-1)?.seq ?? this.cursor);
          if (this.closed) return;
        }
        if (rows.length > 0) this.options.deliver(rows);
        const last = rows.at(-1)?.seq ?? this.cursor;
        if (rows.length >= readBatchSize) {
          this.cursor = last;
          this.dirty = true;
        } else {
          this.cursor = Math.max(this.cursor, last, head);
        }
      } catch (error) {
        // The cursor stays; the next hint, poll or bus recovery reads the same range again.
        this.options.onError(error);
      }
    }
  }
}
