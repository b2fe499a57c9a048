import { CoalescedReads } from '../storage/coalesced-reads.ts';
import type { Storage } from '../storage/storage.ts';

/**
 * The two ends of the change log as a resume checks them (R11.2), without a storage round trip per
 * resuming channel (issue 9: 10,000 of them at once after a network blip).
 *
 * - Head: the change pump's known head is a lower bound of the log's head (it only learns of committed
 *   seqs). A `since` at or below it is not ahead of the log; only one above it asks storage.
 * - Oldest retained seq: only prunes move it, and only upwards, on any node. The cached value is a
 *   lower bound, possibly stale after a prune elsewhere, so it can only prove a gap pruned, never
 *   retained: a replay read is confirmed by `oldestAfterRead` (see `ReplayReads`).
 * Storage reads that remain are shared by callers at once (`CoalescedReads`).
 */
export class LogBounds {
  private oldestKnown: number | undefined;
  private readonly heads: CoalescedReads<number>;
  private readonly oldests: CoalescedReads<number>;

  constructor(
    storage: Pick<Storage, 'headSeq' | 'oldestRetainedSeq'>,
    private readonly knownHeadSeq: () => number,
  ) {
    this.heads = new CoalescedReads(() => storage.headSeq());
    this.oldests = new CoalescedReads(async () => {
      const oldest = await storage.oldestRetainedSeq();
      this.oldestKnown = Math.max(this.oldestKnown ?? 0, oldest);
      return oldest;
    });
  }

  /** True when `since` is past the log's head (a client of another database): it needs a snapshot. */
  async isAhead(since: number): Promise<boolean> {
    if (since <= this.knownHeadSeq()) return false;
    return since > (await this.heads.get());
  }

  /** True when part of the changes after `since` is known to be pruned (from the cached lower bound). */
  async knownPruned(since: number): Promise<boolean> {
    return !retained(since, this.oldestKnown ?? (await this.oldests.get()));
  }

  /**
   * The oldest retained seq as read after this call: a log read that completed before the call has no
   * hole after `since` iff `retained(since, oldestAfterRead())` (a prune deletes a seq prefix and records
   * how far in one transaction).
   */
  oldestAfterRead(): Promise<number> {
    return this.oldests.get();
  }

  /** This node pruned: the cache is re-read at the next check. */
  notePruned(): void {
    this.oldestKnown = undefined;
  }
}

/** Every change after `since` is still in the log. */
export function retained(since: number, oldestRetainedSeq: number): boolean {
  return since + 1 >= oldestRetainedSeq;
}
