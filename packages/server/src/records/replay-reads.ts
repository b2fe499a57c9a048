import type { Storage, StoredChange } from '../storage/storage.ts';
import { type LogBounds, retained } from './log-bounds.ts';

/** A replay chunk: the changes after a seq, or `pruned` when part of them is no longer in the log. */
export type ReplayChunk = { pruned: false; rows: readonly StoredChange[] } | { pruned: true };

export interface ReplayReadsOptions {
  storage: Pick<Storage, 'changesSince'>;
  bounds: LogBounds;
  /** Everything up to this seq has been delivered to this node's channels (the change pump's cursor). */
  deliveredSeq: () => number;
  /** Changes whenever one of the scopes stops or starts being carried by a local channel (`SubscriptionIndex.linkStamp`). */
  linkStamp: (scopes: readonly string[]) => string;
  /** Rows kept for sharing at most; the oldest reads are dropped beyond. Default 20 000. */
  maxHeldRows?: number;
}

interface SharedRead {
  stamp: string;
  chunk: Promise<ReplayChunk>;
  rows: number;
}

/**
 * Replay reads shared by the channels that resume the same scopes from the same seq (issue 9): after
 * a reconnect storm the members of a room all rejoin with the room's last seq, and one log read serves
 * them all instead of one each.
 *
 * Why sharing is safe: a resuming member needs every change after its `since` that the change pump
 * delivered before the member was reachable for live delivery; later ones reach it live, held in
 * `pending` (see `SubscriptionIndex`). A read started after that moment has them all, which is what an
 * unshared read does. A read started earlier has them all too if, since it started, the pump delivered
 * nothing (its cursor did not move) and the scopes stayed carried by a local channel (the pump never
 * skipped them): every change the pump delivers from then on reaches the member live. So a read is
 * shared while the pump's cursor and the scopes' link stamp are what they were when it began; any
 * delivery makes every held read stale, and the next member reads afresh.
 *
 * Each chunk is confirmed against the oldest retained seq read after it (`LogBounds.oldestAfterRead`),
 * so a prune on any node, even in the middle of a replay, yields `pruned` and never a silent hole.
 */
export class ReplayReads {
  private readonly reads = new Map<string, SharedRead>();
  private readsAtSeq = 0;
  private heldRows = 0;
  private readonly maxHeldRows: number;

  constructor(private readonly options: ReplayReadsOptions) {
    this.maxHeldRows = options.maxHeldRows ?? 20_000;
  }

  /** The changes in `scopes` after `afterSeq`, at most `limit`, in `seq` order; or `pruned`. */
  read(scopes: readonly string[], afterSeq: number, limit: number): Promise<ReplayChunk> {
    const deliveredSeq = this.options.deliveredSeq();
    if (deliveredSeq !== this.readsAtSeq) {
      // The pump delivered since these reads began: none may be shared any more.
      this.reads.clear();
      this.heldRows = 0;
      this.readsAtSeq = deliveredSeq;
    }
    const key = `${limit}\u0000${afterSeq}\u0000${scopes.join('\u0000')}`;
    const stamp = this.options.linkStamp(scopes);
    const existing = this.reads.get(key);
    if (existing && existing.stamp === stamp) return existing.chunk;
    if (existing) {
      this.reads.delete(key);
      this.heldRows -= existing.rows;
    }
    const shared: SharedRead = { stamp, chunk: this.readChunk(scopes, afterSeq, limit), rows: 0 };
    this.reads.set(key, shared);
    shared.chunk.then(
      (chunk) => {
        if (this.reads.get(key) !== shared) return;
        shared.rows = chunk.pruned ? 0 : chunk.rows.length;
        this.heldRows += shared.rows;
        this.evict();
      },
      () => {
        if (this.reads.get(key) === shared) this.reads.delete(key);
      },
    );
    return shared.chunk;
  }

  /** Reads held for sharing (for tests). */
  get size(): number {
    return this.reads.size;
  }

  private async readChunk(scopes: readonly string[], afterSeq: number, limit: number): Promise<ReplayChunk> {
    const rows = await this.options.storage.changesSince(scopes, afterSeq, limit);
    if (!retained(afterSeq, await this.options.bounds.oldestAfterRead())) return { pruned: true };
    return { pruned: false, rows };
  }

  private evict(): void {
    for (const [key, read] of this.reads) {
      if (this.heldRows <= this.maxHeldRows) return;
      this.reads.delete(key);
      this.heldRows -= read.rows;
    }
  }
}
