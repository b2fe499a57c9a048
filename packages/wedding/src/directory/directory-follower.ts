import { DIRECTORY_SCOPE, supplierScope, weddingScope } from '../rights/audience.ts';
import { topicsWithChangedScopes } from '../rights/topic-contents.ts';
import { applyWithRevocations, type TopicLoss } from '../rights/user-topics.ts';
import type { Directory } from './directory.ts';
import type { LogSource } from './log-source.ts';
import type { AppliedChange } from './record-index.ts';

export interface FollowResult {
  applied: AppliedChange[];
  /** Topics people lost through these changes: close them now (`revokeUser`, R2.2). */
  lost: TopicLoss[];
  /** Topics whose log scopes changed (see `topicsWithChangedScopes`): re-read their scopes. */
  rescoped: string[];
}

/**
 * Keeps a Directory current from the change log, on every node (R2.2): `load` reads a snapshot,
 * `catchUp` applies every newer change in `seq` order. It follows the `directory` scope and every
 * supplier and wedding scope the Directory knows of (a scope named by a new directory record is
 * loaded from a snapshot the moment it appears). `user:*` scopes (notifications) are not followed.
 * Calls are serialised; a cursor older than the retained log triggers a fresh load.
 */
export class DirectoryFollower {
  private cursor = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: LogSource,
    readonly directory: Directory,
    private readonly options: { batchSize?: number } = {},
  ) {}

  /** The highest `seq` applied. */
  get cursorSeq(): number {
    return this.cursor;
  }

  load(): Promise<void> {
    return this.serial(() => this.loadNow());
  }

  catchUp(): Promise<FollowResult> {
    return this.serial(() => this.catchUpNow());
  }

  /** The scopes followed now. */
  scopes(): string[] {
    const scopes = new Set<string>([DIRECTORY_SCOPE]);
    for (const supplier of this.directory.records.all('suppliers')) scopes.add(supplierScope(supplier.id));
    for (const couple of this.directory.records.all('couples')) {
      if (typeof couple.fields.weddingId === 'string') scopes.add(weddingScope(couple.fields.weddingId));
    }
    return [...scopes].sort();
  }

  private async loadNow(): Promise<void> {
    const first = await this.source.snapshot([DIRECTORY_SCOPE]);
    this.directory.load(first.records);
    const rest = await this.source.snapshot(this.scopes().filter((scope) => scope !== DIRECTORY_SCOPE));
    this.directory.load(rest.records);
    this.cursor = Math.max(this.cursor, first.seq);
  }

  private async catchUpNow(): Promise<FollowResult> {
    if (this.cursor > 0 && this.cursor + 1 < (await this.source.oldestRetainedSeq())) await this.loadNow();
    const batchSize = this.options.batchSize ?? 1_000;
    const result: FollowResult = { applied: [], lost: [], rescoped: [] };
    for (;;) {
      const known = new Set(this.scopes());
      const changes = await this.source.changesSince([...known], this.cursor, batchSize);
      if (changes.length === 0) return { ...result, rescoped: topicsWithChangedScopes(result.applied) };
      const { applied, lost } = applyWithRevocations(this.directory, changes);
      result.applied.push(...applied);
      result.lost.push(...lost);
      this.cursor = changes.at(-1)?.seq ?? this.cursor;
      const added = this.scopes().filter((scope) => !known.has(scope));
      if (added.length > 0) this.directory.load((await this.source.snapshot(added)).records);
      if (changes.length < batchSize && added.length === 0) {
        return { ...result, rescoped: topicsWithChangedScopes(result.applied) };
      }
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
