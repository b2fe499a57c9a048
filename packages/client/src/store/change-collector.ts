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

  /**
   * Records one record's change between two views: its visible values, and also its confirmed
   * version and unconfirmed fields, so an edit confirmed with the value it already showed is
   * announced too (R11.2: "Saving…" clears, a created record gets its version). Nothing when the two
   * views are the same.
   */
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
    const versionMoved = before !== null && after !== null && before.v !== after.v;
    const confirmed = confirmedFields(collection, before, after);
    const pendingAdded = [...(after?.pendingFieldIds ?? [])].some((f) => !before?.pendingFieldIds.has(f));
    if (fields.length === 0 && !created && !deleted && !versionMoved && confirmed.length === 0 && !pendingAdded) return;
    this.#collecting?.push({
      c,
      id,
      source,
      ...meta,
      ...(meta.v === undefined && versionMoved ? { v: after.v } : {}),
      created,
      deleted,
      fields,
      ...(confirmed.length > 0 ? { confirmed } : {}),
    });
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

/** Names of the fields unconfirmed in `before` and no longer in `after` (the record still exists). */
function confirmedFields(collection: CompiledCollection, before: ViewState | null, after: ViewState | null): string[] {
  if (!before || !after) return [];
  const names: string[] = [];
  for (const f of before.pendingFieldIds) {
    if (after.pendingFieldIds.has(f)) continue;
    const field = collection.byId.get(f);
    if (field) names.push(field.name);
  }
  return names.sort();
}
