import type { Storage } from '../storage/storage.ts';

export interface LogRetentionOptions {
  storage: Storage;
  /** Changes older than this are pruned; a client further behind gets `RESYNC_REQUIRED` (R11.2). Default 7 days. */
  retentionMs: number;
  /** How often to prune. */
  pruneIntervalMs: number;
  nowMs: () => number;
  onError: (error: unknown, context: string) => void;
  /** After each prune, also a failed one (it may have committed): e.g. to drop what was cached about the log's start. */
  onPruned?: () => void;
}

/** Prunes the change log on one timer per server (DESIGN §1); `close` clears it. */
export class LogRetention {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<number> | undefined;

  constructor(private readonly options: LogRetentionOptions) {
    this.timer = setInterval(() => void this.prune(), options.pruneIntervalMs);
    this.timer.unref();
  }

  /** Prunes now; resolves with the number of log entries removed (0 on error, which is reported). */
  prune(): Promise<number> {
    this.running ??= this.options.storage
      .pruneLog(this.options.nowMs() - this.options.retentionMs)
      .catch((error: unknown) => {
        this.options.onError(error, 'log prune');
        return 0;
      })
      .finally(() => {
        this.options.onPruned?.();
        this.running = undefined;
      });
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
