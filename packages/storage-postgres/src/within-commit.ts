import type { Fields } from '@wedsync/merge';
import type { StoredChange } from '@wedsync/server';
import type { SqlClient } from './sql-client.ts';

/** A version written by the transaction about to commit, with its record's fields around it. */
export interface WrittenVersion {
  /** Its log entry (seq known). */
  change: StoredChange;
  /** The record's fields (by field id) before this version; undefined when it creates the record. */
  before: Fields | undefined;
  /**
   * The fields after it, text fields as full strings; for a delete, the fields the record had, so
   * a hook can say what was deleted.
   */
  after: Fields;
}

/**
 * SQL run INSIDE the transaction that writes versions (commits, group commits, rollbacks), after they
 * are written and before COMMIT: rows it writes with `tx` commit with the versions or not at all. A
 * hook that throws (or a statement it runs that fails) rolls the whole transaction back — for a group
 * commit the `CommitQueue` then retries its requests one by one, so only the culprit fails. It may
 * return a function run once the transaction has committed (e.g. to wake a worker); a throw there is
 * swallowed, as the data is committed already. An adapter option the application composes; the
 * engine's `Storage` seam stays generic.
 */
export type WithinCommit = (tx: SqlClient, written: readonly WrittenVersion[]) => Promise<(() => void) | undefined>;

/** The hooks added to one storage, run in the order added. */
export class WithinCommitHooks {
  private readonly hooks = new Set<WithinCommit>();

  add(hook: WithinCommit): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Whether any hook is added (else a transaction builds nothing for them). */
  get active(): boolean {
    return this.hooks.size > 0;
  }

  /**
   * Runs every hook on the versions a transaction wrote, inside it (call after `writeVersions`, before
   * the transaction function returns); resolves with the follow-ups to `afterCommit` once it committed.
   * Nothing to run, no work: the written versions come from what the transaction decided, not a read.
   */
  async run(tx: SqlClient, written: readonly WrittenVersion[]): Promise<(() => void)[]> {
    if (this.hooks.size === 0 || written.length === 0) return [];
    const followUps: (() => void)[] = [];
    for (const hook of [...this.hooks]) {
      const done = await hook(tx, written);
      if (done) followUps.push(done);
    }
    return followUps;
  }

  /** Runs the follow-ups of a committed transaction; a throw is swallowed (the data is committed). */
  static afterCommit(followUps: readonly (() => void)[]): void {
    for (const done of followUps) {
      try {
        done();
      } catch {
        // Committed already; the hook's follow-up is best effort by contract.
      }
    }
  }
}

/**
 * The written versions as hooks see them: each log entry with its record's fields before (undefined:
 * a create) and after (for a delete, the fields it had). `befores[i]` belongs to `changes[i]`.
 */
export function writtenVersions(
  changes: readonly StoredChange[],
  befores: readonly (Fields | undefined)[],
  afters: readonly Fields[],
): WrittenVersion[] {
  return changes.map((change, index) => {
    const before = befores[index];
    const own = afters[index] ?? {};
    return { change, before, after: change.del ? (before ?? own) : own };
  });
}
