import { compileSchemas, type SchemaIndex } from '@wedsync/merge';
import type {
  ChangesPayload,
  CollectionSchema,
  FieldOp,
  MutationResult,
  ResyncPayload,
  SyncJoinConfig,
} from '@wedsync/protocol';
import { systemTimers, type Timers } from '../connection/timers.ts';
import { onUnload, type UnloadTarget } from '../debounce/unload-target.ts';
import type { VisibilityLike } from '../device/device-sync.ts';
import { Outbox } from '../outbox/outbox.ts';
import type {
  ConflictEvent,
  MutationSender,
  OutboxEntry,
  OutboxOptions,
  RejectedEvent,
} from '../outbox/outbox-types.ts';
import type { QueueStorage } from '../outbox/queue-storage.ts';
import { ChangeCollector, type ChangeMeta } from './change-collector.ts';
import { ConfirmedRecords } from './confirmed-records.ts';
import { HeldInputs, platformPage } from './held-inputs.ts';
import { applyChange, applyResync, type InboundContext, withdrawEntry } from './inbound-sync.ts';
import { appendOp, collectionOf, createOps, fieldOf, removeOp, setOps, textOps } from './mutation-ops.ts';
import { type OrphanQueueOptions, OrphanQueues } from './orphan-queues.ts';
import { computeView, toRecordView, type ViewState } from './record-view.ts';
import { mustWaitFor } from './send-order.ts';
import { type ChangeSource, type RecordView, recordKey, StoreError, type StoreListener } from './store-types.ts';

export interface RecordStoreOptions {
  /** Where the queue and the confirmed records live across reloads (R11.1). */
  storage: QueueStorage;
  /** Collections with their field names, ids and kinds (R12.2). */
  schemas: readonly CollectionSchema[] | SchemaIndex;
  /** Topic of records created without an explicit one. */
  defaultTopic?: string;
  timers?: Timers;
  outbox?: Pick<OutboxOptions, 'batchSize' | 'pushTimeoutMs' | 'retryDelays' | 'generateClientId'>;
  /** Receives unexpected failures (a change that does not apply, a listener that throws). Default console.error. */
  onError?: (error: unknown) => void;
  /** Held inputs (`holdInput`) are flushed on its `pagehide` / `beforeunload`. Default `window` where it exists; null: never. */
  unloadTarget?: UnloadTarget | null;
  /** Held inputs are flushed when it turns `hidden`. Default `document` where it exists; null: never. */
  visibility?: VisibilityLike | null;
  /**
   * Where this store's queue sits among the person's other queues (one per tab): the store keeps a
   * lease on its own and replays queues left behind by closed tabs (see `OrphanQueues`, R11.1).
   * The own lease is dropped on `pagehide` / `beforeunload` of `unloadTarget` and on close.
   */
  orphanQueues?: OrphanQueueOptions;
}

export interface MutationOptions {
  /** The channel topic of a record this store does not know yet. */
  topic?: string;
}

export interface ChannelRegistration {
  requestSnapshot(): void;
  unbind(): void;
}

/**
 * The client record store (R3, R4.2, R11): per collection, records keyed by id holding the
 * server-confirmed state and the optimistic view (confirmed + pending mutations in order). Edits are
 * addressed by field name and travel by field id; they are queued in the outbox at once (optimistic),
 * and the view is corrected by what the server commits, refuses or reports as a conflict.
 */
export class RecordStore implements InboundContext {
  readonly schemas: SchemaIndex;
  readonly confirmed: ConfirmedRecords;
  readonly outbox: Outbox;
  readonly #options: RecordStoreOptions;
  readonly #views = new Map<string, ViewState | null>();
  readonly #changes = new ChangeCollector((error) => this.reportError(error));
  readonly #dropped = new Map<number, ViewState | null>();
  readonly #channels = new Map<string, ChannelRegistration>();
  readonly #heldInputs: HeldInputs;
  readonly #senders = new Map<string, MutationSender>();
  readonly #orphans: OrphanQueues | null = null;
  readonly #removeUnload: () => void = () => {};

  static async open(options: RecordStoreOptions): Promise<RecordStore> {
    const schemas = 'collection' in options.schemas ? options.schemas : compileSchemas(options.schemas);
    let store: RecordStore | undefined;
    const { outbox, cache } = await Outbox.open({
      ...options.outbox,
      storage: options.storage,
      ...(options.timers ? { timers: options.timers } : {}),
      mustWaitFor: (later, earlier) => mustWaitFor(schemas, later, earlier),
      beforeDrop: (entry) => {
        if (store) store.#beforeDrop(entry);
      },
    });
    store = new RecordStore(options, schemas, outbox, new ConfirmedRecords(cache));
    return store;
  }

  private constructor(options: RecordStoreOptions, schemas: SchemaIndex, outbox: Outbox, confirmed: ConfirmedRecords) {
    this.#options = options;
    this.schemas = schemas;
    this.outbox = outbox;
    this.confirmed = confirmed;
    const page = platformPage();
    this.#heldInputs = new HeldInputs(
      {
        unloadTarget: options.unloadTarget === undefined ? page.unloadTarget : options.unloadTarget,
        visibility: options.visibility === undefined ? page.visibility : options.visibility,
      },
      (error) => this.reportError(error),
    );
    if (options.orphanQueues) {
      const orphans = new OrphanQueues(options.orphanQueues, {
        timers: options.timers ?? systemTimers,
        mustWaitFor: (later, earlier) => mustWaitFor(schemas, later, earlier),
        senders: () => this.#senders,
        lastSeq: (topic) => this.confirmed.lastSeq(topic),
        reportError: (error) => this.reportError(error),
      });
      this.#orphans = orphans;
      const unloadTarget = options.unloadTarget === undefined ? page.unloadTarget : options.unloadTarget;
      this.#removeUnload = onUnload(unloadTarget ?? undefined, () => orphans.releaseOwn());
    }
    outbox.setCacheProvider(() => this.confirmed.toCache());
    outbox.on('acked', ({ mutation, result }) => this.#onAcked(mutation.topic, mutation.mid, result));
    outbox.on('rejected', (event: RejectedEvent) => this.#afterDrop(event.mutation.mid, event.mutation));
    outbox.on('conflict', (event: ConflictEvent) => {
      if (!event.applied) this.#afterDrop(event.mutation.mid, event.mutation);
    });
    // Acknowledged before the reload and already covered by the saved state.
    for (const entry of [...outbox.entries()]) this.#onAcked(entry.mutation.topic, entry.mutation.mid, undefined);
  }

  get clientId(): string {
    return this.outbox.clientId;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The optimistic view of one record, or undefined when it does not exist (or is deleted). */
  record(c: string, id: string): RecordView | undefined {
    const collection = collectionOf(this.schemas, c);
    const state = this.#view(recordKey(c, id));
    return state ? toRecordView(collection, state) : undefined;
  }

  /** Every existing record of a collection (optionally filtered), ordered by id. */
  query(c: string, predicate?: (record: RecordView) => boolean): RecordView[] {
    const collection = collectionOf(this.schemas, c);
    const keys = new Set(this.confirmed.keysOfCollection(c));
    for (const entry of this.outbox.entries()) if (entry.mutation.c === c) keys.add(recordKey(c, entry.mutation.id));
    const records: RecordView[] = [];
    for (const key of keys) {
      const state = this.#view(key);
      if (!state) continue;
      const view = toRecordView(collection, state);
      if (!predicate || predicate(view)) records.push(view);
    }
    return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Called with every batch of visible record changes; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    return this.#changes.subscribe(listener);
  }

  /** The last `seq` applied on a channel (saved with the queue); undefined before its first sync. */
  lastSeq(topic: string): number | undefined {
    return this.confirmed.lastSeq(topic);
  }

  /** What to put in `config.sync` when (re)joining `topic`: resume after `lastSeq`, or ask for a snapshot. */
  joinConfig(topic: string): SyncJoinConfig {
    const since = this.confirmed.lastSeq(topic);
    return since === undefined ? { snapshot: true } : { since };
  }

  // ---- editing (R4.2, R11.1, R12.2) ----------------------------------------------------------

  /** Gives a field a new value (lww/manual: replaces it; text: the minimal edit). Returns the mid, or null if unchanged. */
  set(c: string, id: string, fieldName: string, value: unknown, options: MutationOptions = {}): number | null {
    const collection = collectionOf(this.schemas, c);
    const field = fieldOf(collection, fieldName);
    return this.#mutate(c, id, setOps(collection, field, value, this.#fields(c, id)), options);
  }

  /** Replaces a text field's content by the edit from the current optimistic text (OT-merged, R4.2). */
  editText(c: string, id: string, fieldName: string, newText: string, options: MutationOptions = {}): number | null {
    const collection = collectionOf(this.schemas, c);
    const field = fieldOf(collection, fieldName);
    return this.#mutate(c, id, textOps(collection, field, newText, this.#fields(c, id)), options);
  }

  /** Appends an item with a caller-chosen unique id to a list field (concurrent appends are all kept). */
  append(
    c: string,
    id: string,
    fieldName: string,
    itemId: string,
    value: unknown,
    options: MutationOptions = {},
  ): number {
    const collection = collectionOf(this.schemas, c);
    return this.#mutate(c, id, [appendOp(collection, fieldOf(collection, fieldName), itemId, value)], options)!;
  }

  /** Removes the item with this id from a list field (absent: no-op on the server). */
  remove(c: string, id: string, fieldName: string, itemId: string, options: MutationOptions = {}): number {
    const collection = collectionOf(this.schemas, c);
    return this.#mutate(c, id, [removeOp(collection, fieldOf(collection, fieldName), itemId)], options)!;
  }

  /** Creates a record with initial values by field name. Refuses an id that already exists. */
  create(c: string, id: string, values: Record<string, unknown>, options: MutationOptions = {}): number {
    const collection = collectionOf(this.schemas, c);
    if (this.#view(recordKey(c, id))) throw new StoreError('VALIDATION_FAILED', `Record ${c}/${id} already exists`);
    return this.#mutate(c, id, createOps(collection, values), options, false, true)!;
  }

  delete(c: string, id: string, options: MutationOptions = {}): number {
    collectionOf(this.schemas, c);
    return this.#mutate(c, id, [], options, true)!;
  }

  // ---- inbound sync --------------------------------------------------------------------------

  /** A `sync_changes` frame: applied in `seq` order; `seq` at or below the channel's lastSeq is ignored (dedupe). */
  applyChanges(topic: string, payload: ChangesPayload): void {
    const changes = [...(payload?.changes ?? [])].sort((a, b) => a.seq - b.seq);
    this.#changes.batch(() => {
      for (const change of changes) {
        if (change.seq <= (this.confirmed.lastSeq(topic) ?? 0)) continue;
        const key = recordKey(change.c, change.id);
        const own = change.cid === this.clientId;
        this.#track([key], own ? 'local' : 'remote', { by: change.by, at: change.at, v: change.v }, () => {
          applyChange(this, topic, change);
          this.confirmed.setLastSeq(topic, change.seq);
        });
      }
      // Before the listeners hear of the changes, so what they read (adoptedQueues) is current.
      this.#orphans?.afterChanges(topic, changes);
    });
    this.outbox.markSynced();
    this.outbox.persist();
  }

  /** A `sync_resync` frame or a snapshot reply: replaces the channel's confirmed state, keeps pending edits. */
  applyResync(topic: string, payload: ResyncPayload): void {
    const keys = new Set(this.confirmed.keysOfTopic(topic));
    for (const record of payload?.records ?? []) keys.add(recordKey(record.c, record.id));
    for (const entry of this.outbox.entries()) {
      if (entry.mutation.topic === topic) keys.add(recordKey(entry.mutation.c, entry.mutation.id));
    }
    this.#changes.batch(() => {
      this.#track([...keys], 'resync', {}, () => applyResync(this, topic, payload));
      this.#orphans?.afterResync(topic, payload.seq);
    });
    this.outbox.markSynced();
    this.outbox.persist();
  }

  /** Connects (or, with undefined, disconnects) the sender of a channel topic (`bindChannel` does this). */
  setSender(topic: string, sender: MutationSender | undefined): void {
    if (sender) this.#senders.set(topic, sender);
    else this.#senders.delete(topic);
    this.outbox.setSender(topic, sender);
    this.#orphans?.setSender(topic, sender);
  }

  /** A channel (re)joined: the queue, and queues adopted from closed tabs, send now. */
  resumeSending(): void {
    this.outbox.resume();
    this.#orphans?.resume();
  }

  /** Shelf keys of the queues left by closed tabs that this store is replaying now. */
  get adoptedQueues(): string[] {
    return this.#orphans?.adoptedKeys ?? [];
  }

  /** Unsettled outbox entries of one record, oldest first. */
  pendingOf(key: string): OutboxEntry[] {
    return this.outbox.entries().filter((entry) => recordKey(entry.mutation.c, entry.mutation.id) === key);
  }

  /**
   * A channel binding registers itself (see `bindChannel`): how to fetch a snapshot of its topic, and
   * how to undo the binding when the store closes. Returns the function that unregisters it.
   */
  registerChannel(topic: string, binding: ChannelRegistration): () => void {
    this.#channels.set(topic, binding);
    return () => {
      if (this.#channels.get(topic) === binding) this.#channels.delete(topic);
    };
  }

  requestSnapshot(topic: string): void {
    this.#channels.get(topic)?.requestSnapshot();
  }

  reportError(error: unknown): void {
    (this.#options.onError ?? ((e: unknown) => console.error('[wedsync/store]', e)))(error);
  }

  /**
   * Registers input the app holds back before it becomes an edit (a debounced field, a text draft):
   * `flush` must hand its value to the store synchronously (`set`, `editText`, …). It runs when the
   * page unloads or is hidden and before the store closes, so nothing typed misses the durable queue
   * (R11.1, R12.1). Returns the function that unregisters it.
   */
  holdInput(flush: () => void): () => void {
    return this.#heldInputs.add(flush);
  }

  /** Hands every held input to the queue now (e.g. before going offline on purpose). */
  flushInputs(): void {
    this.#heldInputs.flushAll();
  }

  /**
   * Flushes held inputs, unbinds every channel and stops the outbox (no timer or listener left); the
   * queue and cache stay saved.
   */
  async close(): Promise<void> {
    this.#heldInputs.close();
    this.#removeUnload();
    this.#orphans?.close();
    for (const binding of [...this.#channels.values()]) binding.unbind();
    this.#channels.clear();
    this.#changes.clear();
    await this.outbox.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  #fields(c: string, id: string): Record<string, unknown> {
    return this.#view(recordKey(c, id))?.fields ?? {};
  }

  #view(key: string): ViewState | null {
    if (this.#views.has(key)) return this.#views.get(key)!;
    const [c = '', id = ''] = key.split('\u0000');
    const collection = this.schemas.collection(c);
    const pending = this.pendingOf(key).map((entry) => entry.mutation);
    const state = collection ? computeView(collection, c, id, this.confirmed.get(key), pending) : null;
    this.#views.set(key, state);
    return state;
  }

  #mutate(c: string, id: string, ops: FieldOp[], options: MutationOptions, del = false, create = false): number | null {
    if (ops.length === 0 && !del && !create) return null;
    const key = recordKey(c, id);
    const confirmed = this.confirmed.get(key);
    const topic = options.topic ?? this.#view(key)?.topic ?? confirmed?.topic ?? this.#options.defaultTopic;
    if (!topic) throw new StoreError('VALIDATION_FAILED', `No channel topic for new record ${c}/${id}`);
    let mid = 0;
    this.#changes.batch(() =>
      this.#track([key], 'local', {}, () => {
        const base = confirmed?.v ?? 0;
        mid = this.outbox.enqueue({ topic, c, id, base, ops, ...(del ? { del: true as const } : {}) }).mid;
      }),
    );
    return mid;
  }

  /** An acknowledgement whose change this channel has already passed (a snapshot covered it): settle. */
  #onAcked(topic: string, mid: number, result: MutationResult | undefined): void {
    const entry = this.outbox.entries().find((candidate) => candidate.mutation.mid === mid);
    if (entry?.state !== 'acked') return;
    const seq = result && 'seq' in result ? result.seq : entry.ackedSeq;
    const lastSeq = this.confirmed.lastSeq(topic);
    if (seq === undefined || lastSeq === undefined || seq > lastSeq) return;
    const { c, id } = entry.mutation;
    this.#changes.batch(() => this.#track([recordKey(c, id)], 'remote', {}, () => this.outbox.settle(mid)));
  }

  #beforeDrop(entry: OutboxEntry): void {
    const key = recordKey(entry.mutation.c, entry.mutation.id);
    this.#dropped.set(entry.mutation.mid, this.#view(key));
    withdrawEntry(this, entry);
  }

  #afterDrop(mid: number, mutation: { c: string; id: string }): void {
    const before = this.#dropped.get(mid);
    this.#dropped.delete(mid);
    const key = recordKey(mutation.c, mutation.id);
    this.#views.delete(key);
    const collection = this.schemas.collection(mutation.c);
    if (!collection) return;
    this.#changes.batch(() =>
      this.#changes.record(collection, mutation.c, mutation.id, before ?? null, this.#view(key), 'undo', {}),
    );
    this.outbox.persist();
  }

  #track(keys: string[], source: ChangeSource, meta: ChangeMeta, work: () => void): void {
    const before = keys.map((key) => this.#view(key));
    work();
    keys.forEach((key, index) => {
      this.#views.delete(key);
      const [c = '', id = ''] = key.split('\u0000');
      const collection = this.schemas.collection(c);
      if (collection) this.#changes.record(collection, c, id, before[index] ?? null, this.#view(key), source, meta);
    });
  }
}
