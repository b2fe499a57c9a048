import type { CommitRequest, CommitResult } from '@wedsync/server';

export interface CommitQueueOptions {
  /**
   * Group transactions in flight at once. 1 suits a single connection (PGlite); 2 lets one group read
   * and decide while the other holds the log-append lock and flushes the WAL.
   */
  concurrency: number;
  /** A group takes waiting requests until it holds this many mutations (a larger request goes alone). */
  maxGroupMutations: number;
}

interface Waiting {
  request: CommitRequest;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Server-side group commit (DESIGN §7): `commit` calls that arrive while every slot is busy wait here,
 * and the next free slot commits ALL of them, in arrival order, as one transaction (`runGroup`: one
 * log-append lock, one WAL flush). With a slot free, a request starts at once, alone: grouping adds no
 * wait when the database keeps up.
 *
 * Guarantees kept per request: its promise settles only after its own transaction committed (or
 * failed); results are exactly those of committing it alone right after the requests before it.
 * When a group transaction fails (database error, or an error thrown while deciding one mutation),
 * its requests are retried one by one, each in its own transaction, so one request's failure fails
 * only that request. Promises of a group settle in request (and so seq) order.
 */
export class CommitQueue {
  private readonly waiting: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly runGroup: (requests: CommitRequest[]) => Promise<CommitResult[]>,
    private readonly options: CommitQueueOptions,
  ) {}

  commit(request: CommitRequest): Promise<CommitResult> {
    return new Promise<CommitResult>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.startGroups();
    });
  }

  private startGroups(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const group = this.takeGroup();
      this.running++;
      void this.commitGroup(group).finally(() => {
        this.running--;
        this.startGroups();
      });
    }
  }

  private takeGroup(): Waiting[] {
    let mutations = this.waiting[0]!.request.mutations.length;
    let count = 1;
    while (count < this.waiting.length) {
      const next = this.waiting[count]!.request.mutations.length;
      if (mutations + next > this.options.maxGroupMutations) break;
      mutations += next;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    let results: CommitResult[];
    try {
      results = await this.runGroup(group.map((item) => item.request));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const item of group) await this.commitAlone(item);
      return;
    }
    group.forEach((item, index) => {
      item.resolve(results[index]!);
    });
  }

  private async commitAlone(item: Waiting): Promise<void> {
    try {
      const [result] = await this.runGroup([item.request]);
      item.resolve(result!);
    } catch (error) {
      item.reject(error);
    }
  }
}
