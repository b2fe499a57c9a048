import {
  type FieldOp,
  MAX_MUTATIONS_PER_BATCH,
  type MutatePayload,
  type MutateReply,
  type MutationResult,
} from '@wedsync/protocol';
import { systemTimers, type Timers } from '../connection/timers.ts';
import { generateClientId } from './client-id.ts';
import { Listeners } from './listeners.ts';
import { nextBatch, restoreEntry, sameRecord, saveEntry, toWire } from './outbox-entries.ts';
import { type OutboxPersistence, openPersistence } from './outbox-persistence.ts';
import type { MutationSender, OutboxEntry, OutboxEvents, OutboxOptions, OutboxProgress } from './outbox-types.ts';
import type { OutboxCache, QueuedMutation } from './queue-storage.ts';
import {
  DEFAULT_RETRY_DELAYS,
  type PushFailure,
  type RetryDelays,
  retryAfterHintMs,
  retryDelayMs,
  TRANSIENT_CODES,
  toPushFailure,
} from './retry-policy.ts';

export type * from './outbox-types.ts';

/**
 * The offline queue (R11.1, R11.2, R15.1): every mutation is persisted in order before it travels,
 * sent in order in batches of at most 100 on one channel at a time, resent with the same `mid` after
 * a timeout or disconnect (the server acknowledges a replay as `duplicate`), and leaves the persisted
 * queue only when acknowledged. Rejections and conflicts are reported; a rate limit slows it down.
 */
export class Outbox {
  readonly clientId: string;
  readonly #persistence: OutboxPersistence;
  readonly #options: OutboxOptions;
  readonly #timers: Timers;
  readonly #retryDelays: RetryDelays;
  readonly #listeners = new Listeners<OutboxEvents>();
  readonly #senders = new Map<string, MutationSender>();
  #entries: OutboxEntry[];
  #batchSize: number;
  #inFlight: OutboxEntry[] | null = null;
  #retryHandle: unknown;
  #retryAtMs: number | null = null;
  #rateLimited = false;
  #failures = 0;
  #counts = { done: 0, failed: 0, conflicts: 0 };
  #closed = false;
  #pumpScheduled = false;
  /** Mutations up to this mid travel alone (a batch containing them was refused as a whole). */
  #isolateUntilMid = 0;

  static async open(options: OutboxOptions): Promise<{ outbox: Outbox; cache: OutboxCache }> {
    const persistence = await openPersistence(options.storage, options.generateClientId ?? generateClientId);
    const outbox = new Outbox(options, persistence);
    return { outbox, cache: persistence.restoredCache };
  }

  private constructor(options: OutboxOptions, persistence: OutboxPersistence) {
    this.#options = options;
    this.#persistence = persistence;
    this.clientId = persistence.clientId;
    this.#timers = options.timers ?? systemTimers;
    this.#retryDelays = { ...DEFAULT_RETRY_DELAYS, ...options.retryDelays };
    this.#batchSize = this.#maxBatchSize;
    this.#entries = persistence.restoredPending.map(restoreEntry);
    persistence.onSaved = () => this.#pump();
    persistence.onError = (error) => this.#listeners.emit('error', error);
  }

  on<E extends keyof OutboxEvents>(event: E, listener: (payload: OutboxEvents[E]) => void): () => void {
    return this.#listeners.on(event, listener);
  }

  /** Every unsettled entry, oldest first (the store builds optimistic views from these). */
  entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** Queues a mutation: gives it the next `mid`, persists it and sends it when its channel is ready. */
  enqueue(draft: Omit<QueuedMutation, 'mid' | 'createdAtMs'>): QueuedMutation {
    this.#assertOpen();
    const mutation: QueuedMutation = { ...draft, mid: this.#persistence.nextMid(), createdAtMs: this.#timers.now() };
    this.#entries.push({ mutation, state: 'queued', ackedSeq: undefined, sentBase: undefined });
    this.#persistence.save(this.#document());
    this.#emitProgress();
    this.#pump();
    return mutation;
  }

  /**
   * Replaces the base and ops of an unsettled entry (after a rebase over incoming changes). Not saved
   * until the next `persist()`, so a rebase of many entries is one save.
   */
  update(mid: number, patch: { base: number; ops: FieldOp[]; pinned?: boolean }): void {
    const entry = this.#entries.find((candidate) => candidate.mutation.mid === mid);
    if (!entry) return;
    const { pinned: _old, ...rest } = entry.mutation;
    entry.mutation = { ...rest, base: patch.base, ops: patch.ops, ...(patch.pinned ? { pinned: true } : {}) };
  }

  /** The entry's committed change was seen (its echo, or a snapshot covering it): it leaves the queue. */
  settle(mid: number): boolean {
    const index = this.#entries.findIndex((candidate) => candidate.mutation.mid === mid);
    if (index < 0) return false;
    const [entry] = this.#entries.splice(index, 1);
    if (entry && entry.state !== 'acked') this.#counts.done++;
    this.#persistence.save(this.#document());
    this.#emitProgress();
    this.#pump();
    return true;
  }

  /** Connects (or, with undefined, disconnects) the sender of a channel topic. */
  setSender(topic: string, sender: MutationSender | undefined): void {
    if (sender) this.#senders.set(topic, sender);
    else this.#senders.delete(topic);
    this.resume();
  }

  /** A channel (re)joined: send now, unless the server asked us to wait (rate limit). */
  resume(): void {
    if (this.#closed) return;
    if (!this.#rateLimited) this.#clearRetry();
    this.#pump();
  }

  /** Saves the queue and the confirmed-state cache (the store calls this after applying changes). */
  persist(): void {
    if (!this.#closed) this.#persistence.save(this.#document());
  }

  /** Supplies the confirmed records and `seq`s saved with the queue. */
  setCacheProvider(provider: () => OutboxCache): void {
    this.#cacheProvider = provider;
  }

  /** The server acknowledged or sent something now. */
  markSynced(): void {
    this.#persistence.lastSyncedAtMs = this.#timers.now();
    this.#emitProgress();
  }

  progress(): OutboxProgress {
    return {
      queued: this.#entries.filter((entry) => entry.state !== 'acked').length,
      sending: this.#inFlight?.length ?? 0,
      ...this.#counts,
      lastSyncedAtMs: this.#persistence.lastSyncedAtMs,
      retryAtMs: this.#retryAtMs,
    };
  }

  /** Resolves once every change so far is in storage. */
  flushed(): Promise<void> {
    return this.#persistence.flushed();
  }

  /** Stops sending and retrying; the queue stays in storage for the next start. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#persistence.save(this.#document());
    this.#closed = true;
    this.#clearRetry();
    this.#senders.clear();
    await this.#persistence.flushed();
    this.#listeners.clear();
  }

  #cacheProvider: () => OutboxCache = () => this.#persistence.restoredCache;

  get #maxBatchSize(): number {
    return Math.max(1, Math.min(MAX_MUTATIONS_PER_BATCH, this.#options.batchSize ?? MAX_MUTATIONS_PER_BATCH));
  }

  #document() {
    const pending = this.#entries.map(saveEntry);
    return this.#persistence.document(pending, this.#cacheProvider());
  }

  /** Sends on the next microtask, so the mutations of one synchronous burst travel as one batch (R12.2). */
  #pump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#sendNext();
    });
  }

  #sendNext(): void {
    if (this.#closed || this.#inFlight || this.#retryAtMs !== null) return;
    const head = this.#entries.find((entry) => entry.state === 'queued');
    if (!head || !this.#senders.get(head.mutation.topic)?.ready()) return;
    const batch = nextBatch(this.#entries, {
      limit: head.mutation.mid <= this.#isolateUntilMid ? 1 : this.#batchSize,
      persistedMid: this.#persistence.persistedMid,
      mustWaitFor: this.#options.mustWaitFor ?? sameRecord,
    });
    if (!batch) return;
    const sender = this.#senders.get(batch[0]!.mutation.topic)!;
    for (const entry of batch) {
      entry.state = 'sending';
      entry.sentBase = entry.mutation.base;
    }
    this.#persistence.save(this.#document());
    this.#inFlight = batch;
    this.#emitProgress();
    const payload: MutatePayload = { clientId: this.clientId, mutations: batch.map((entry) => toWire(entry.mutation)) };
    let sent: Promise<MutateReply>;
    try {
      sent = sender.send(payload, this.#options.pushTimeoutMs ?? 10_000);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (reply) => this.#onReply(batch, reply),
      (error: unknown) => this.#onFailure(batch, toPushFailure(error)),
    );
  }

  #onReply(batch: OutboxEntry[], reply: MutateReply): void {
    if (this.#closed) return;
    this.#inFlight = null;
    const results = new Map((Array.isArray(reply?.results) ? reply.results : []).map((r) => [r.mid, r]));
    let retryHint: number | undefined;
    let transient = false;
    for (const entry of batch) {
      if (!this.#entries.includes(entry)) continue; // settled by its echo while in flight
      const result = results.get(entry.mutation.mid);
      if (!result || (result.status === 'rejected' && TRANSIENT_CODES.has(result.code))) {
        entry.state = 'queued';
        transient = true;
        if (result?.status === 'rejected') retryHint = retryAfterHintMs(result.details) ?? retryHint;
        if (result?.status === 'rejected' && result.code === 'RATE_LIMITED') this.#slowDown();
        continue;
      }
      this.#resolve(entry, result);
    }
    this.markSynced();
    this.#persistence.save(this.#document());
    if (transient) this.#scheduleRetry(retryHint);
    else {
      this.#failures = 0;
      this.#rateLimited = false;
      this.#batchSize = Math.min(this.#maxBatchSize, this.#batchSize * 2);
    }
    this.#emitProgress();
    this.#pump();
  }

  #resolve(entry: OutboxEntry, result: MutationResult): void {
    const mutation = entry.mutation;
    switch (result.status) {
      case 'duplicate':
        if (result.seq === undefined) {
          // Processed before without a version (refused or in conflict) and that reply was lost.
          this.#drop(entry);
          this.#counts.failed++;
          this.#listeners.emit('rejected', {
            mutation,
            code: 'UNKNOWN',
            message: 'The server had already processed this change without applying it',
          });
          return;
        }
        entry.state = 'acked';
        entry.ackedSeq = result.seq;
        this.#counts.done++;
        this.#listeners.emit('acked', { mutation, result });
        return;
      case 'applied':
        entry.state = 'acked';
        entry.ackedSeq = result.seq;
        this.#counts.done++;
        this.#listeners.emit('acked', { mutation, result });
        if (result.conflicts && result.conflicts.length > 0) {
          this.#counts.conflicts++;
          this.#listeners.emit('conflict', { mutation, conflicts: result.conflicts, applied: true });
        }
        return;
      case 'conflict':
        this.#drop(entry);
        this.#counts.conflicts++;
        this.#listeners.emit('conflict', { mutation, conflicts: result.conflicts, applied: false });
        return;
      case 'rejected':
        this.#drop(entry);
        this.#counts.failed++;
        this.#listeners.emit('rejected', {
          mutation,
          code: result.code,
          message: result.message,
          ...(result.details ? { details: result.details } : {}),
        });
        return;
    }
  }

  #drop(entry: OutboxEntry): void {
    this.#options.beforeDrop?.(entry);
    this.#entries = this.#entries.filter((candidate) => candidate !== entry);
  }

  #onFailure(batch: OutboxEntry[], failure: PushFailure): void {
    if (this.#closed) return;
    this.#inFlight = null;
    for (const entry of batch) if (entry.state === 'sending') entry.state = 'queued';
    const live = batch.filter((entry) => this.#entries.includes(entry));
    if (TRANSIENT_CODES.has(failure.code)) {
      if (failure.code === 'RATE_LIMITED') this.#slowDown();
      this.#scheduleRetry(retryAfterHintMs(failure.details));
    } else if (live.length > 1) {
      // A refusal of the whole batch: retry its mutations one by one so only the offender is dropped.
      this.#isolateUntilMid = Math.max(...live.map((entry) => entry.mutation.mid));
      this.#scheduleRetry(0);
    } else if (live[0]) {
      this.#resolve(live[0], {
        mid: live[0].mutation.mid,
        status: 'rejected',
        code: failure.code,
        message: failure.message,
        ...(failure.details ? { details: failure.details } : {}),
      });
      this.#persistence.save(this.#document());
    }
    this.#emitProgress();
    this.#pump();
  }

  /** Rate limited (R15.1): halve the batch and keep waiting for the retry even if a channel rejoins. */
  #slowDown(): void {
    this.#rateLimited = true;
    this.#batchSize = Math.max(1, Math.floor(this.#batchSize / 2));
  }

  #scheduleRetry(hintMs: number | undefined): void {
    this.#failures++;
    const delayMs = hintMs ?? retryDelayMs(this.#failures, this.#retryDelays);
    this.#clearRetry();
    this.#retryAtMs = this.#timers.now() + delayMs;
    this.#retryHandle = this.#timers.setTimeout(() => {
      this.#retryAtMs = null;
      this.#rateLimited = false;
      this.#emitProgress();
      this.#pump();
    }, delayMs);
  }

  #clearRetry(): void {
    if (this.#retryAtMs === null) return;
    this.#timers.clearTimeout(this.#retryHandle);
    this.#retryAtMs = null;
  }

  #emitProgress(): void {
    this.#listeners.emit('progress', this.progress());
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('The outbox is closed');
  }
}
