import type { CompiledCollection } from '@wedsync/merge';
import { diffViews, type ViewState } from './record-view.ts';
import type { ChangeSource, RecordChangeInfo, StoreListener } from './store-types.ts';

export interface ChangeMeta {
  by?: string;
  at?: string;
  v?: number;
}

/**
 * Gathers the visible record changes of one store operation and hands them to the listeners in one
 * call when the outermost `batch` ends (R3.3: one notification per frame, not per change).
 */
export class ChangeCollector {
  readonly #listeners = new Set<StoreListener>();
  readonly #reportError: (error: unknown) => void;
  #collecting: RecordChangeInfo[] | null = null;

  constructor(reportError: (error: unknown) => void) {
    this.#reportError = reportError;
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  clear(): void {
    this.#listeners.clear();
  }

  /** Runs `work`; the changes recorded meanwhile (also by nested batches) are announced once at the end. */
  batch(work: () => void): void {
    if (this.#collecting) {
      work();
      return;
    }
    this.#collecting = [];
    try {
      work();
    } finally {
      const changes = this.#collecting;
      this.#collecting = null;
      if (changes.length > 0) this.#emit(changes);
    }
  }

  /** Records one record's change between two views (nothing when nothing visible changed). */
  record(
    collection: CompiledCollection,
    c: string,
    id: string,
    before: ViewState | null,
    after: ViewState | null,
    source: ChangeSource,
    meta: ChangeMeta,
  ): void {
    const fields = diffViews(collection, before, after);
    const created = before === null && after !== null;
    const deleted = before !== null && after === null;
    if (fields.length === 0 && !created && !deleted) return;
    this.#collecting?.push({ c, id, source, ...meta, created, deleted, fields });
  }

  #emit(changes: RecordChangeInfo[]): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(changes);
      } catch (error) {
        this.#reportError(error);
      }
    }
  }
}
