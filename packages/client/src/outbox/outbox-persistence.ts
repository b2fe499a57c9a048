import type { OutboxCache, PersistedSyncState, QueuedMutation, QueueStorage } from './queue-storage.ts';

/**
 * Owns the saved document of an outbox: the clientId, the `mid` counter and the save loop. Saves are
 * serialised and coalesced: while an asynchronous save runs, later changes are folded into one
 * next save. `persistedMid` tells which mutations are already on disk (only those may travel, so a
 * `mid` the server has seen is never handed out again after a reload).
 */
export class OutboxPersistence {
  readonly clientId: string;
  readonly restoredPending: QueuedMutation[];
  readonly restoredCache: OutboxCache;
  lastSyncedAtMs: number | null;
  /** Mutations with a `mid` up to this are saved. */
  persistedMid: number;
  onSaved: () => void = () => {};
  onError: (error: Error) => void = () => {};
  readonly #storage: QueueStorage;
  #lastMid: number;
  #next: PersistedSyncState | null = null;
  #saving: Promise<void> | null = null;

  constructor(storage: QueueStorage, state: PersistedSyncState) {
    this.#storage = storage;
    this.clientId = state.clientId;
    this.#lastMid = state.lastMid;
    this.persistedMid = state.lastMid;
    this.lastSyncedAtMs = state.lastSyncedAtMs;
    this.restoredPending = state.pending;
    this.restoredCache = { lastSeq: state.lastSeq, records: state.records };
  }

  nextMid(): number {
    this.#lastMid += 1;
    return this.#lastMid;
  }

  document(pending: QueuedMutation[], cache: OutboxCache): PersistedSyncState {
    return {
      format: 1,
      clientId: this.clientId,
      lastMid: this.#lastMid,
      pending,
      lastSeq: cache.lastSeq,
      records: cache.records,
      lastSyncedAtMs: this.lastSyncedAtMs,
    };
  }

  /** Saves `state` now (synchronous adapters) or after the save in progress. */
  save(state: PersistedSyncState): void {
    this.#next = state;
    if (!this.#saving) this.#drain();
  }

  /** Resolves when nothing is left to save. */
  async flushed(): Promise<void> {
    while (this.#saving) await this.#saving;
  }

  #drain(): void {
    while (this.#next) {
      const state = this.#next;
      this.#next = null;
      let result: void | Promise<void>;
      try {
        result = this.#storage.save(state);
      } catch (error) {
        this.#failed(state, error);
        continue;
      }
      if (result && typeof (result as Promise<void>).then === 'function') {
        this.#saving = (result as Promise<void>).then(
          () => this.#saved(state),
          (error: unknown) => this.#failed(state, error),
        );
        this.#saving.then(() => {
          this.#saving = null;
          this.#drain();
          this.onSaved();
        });
        return;
      }
      this.#saved(state);
    }
    this.onSaved();
  }

  #saved(state: PersistedSyncState): void {
    this.persistedMid = Math.max(this.persistedMid, state.lastMid);
  }

  /** A failed save still lets the queue travel (staying online beats stalling); the app is told. */
  #failed(state: PersistedSyncState, error: unknown): void {
    this.persistedMid = Math.max(this.persistedMid, state.lastMid);
    this.onError(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Loads the saved document, or starts a fresh one with a new clientId (saved at once). */
export async function openPersistence(storage: QueueStorage, newClientId: () => string): Promise<OutboxPersistence> {
  const loaded = await storage.load();
  const state: PersistedSyncState = loaded ?? {
    format: 1,
    clientId: newClientId(),
    lastMid: 0,
    pending: [],
    lastSeq: {},
    records: [],
    lastSyncedAtMs: null,
  };
  const persistence = new OutboxPersistence(storage, state);
  if (!loaded) {
    persistence.save(state);
    await persistence.flushed();
  }
  return persistence;
}
