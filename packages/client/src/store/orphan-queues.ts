import type { Change } from '@wedsync/protocol';
import type { Timers } from '../connection/timers.ts';
import { MemoryQueueStorage } from '../outbox/memory-queue-storage.ts';
import { Outbox } from '../outbox/outbox.ts';
import type { MutationSender, OutboxEntry } from '../outbox/outbox-types.ts';
import type { QueueShelf } from '../outbox/queue-shelf.ts';
import type { PersistedSyncState } from '../outbox/queue-storage.ts';

export interface OrphanQueueOptions {
  shelf: QueueShelf;
  /** This store's own queue on the shelf: its lease is kept while the store is open. */
  key: string;
  /** Names this tab in leases; default a random id. */
  holderId?: string;
  /**
   * How long a lease lasts without renewal; default 120 000 ms. Browsers run a background tab's
   * timers as rarely as once a minute, so a shorter lease would let a live tab's queue look orphaned.
   */
  leaseMs?: number;
  /** How often the own lease is renewed and the shelf looked at for left-behind queues; default 10 000 ms. */
  scanIntervalMs?: number;
}

/** What the adopter needs from its store. */
export interface OrphanQueueHost {
  timers: Timers;
  mustWaitFor(later: OutboxEntry, earlier: OutboxEntry): boolean;
  /** The senders of the channels bound now (a queue is adopted only when all its topics have one). */
  senders(): ReadonlyMap<string, MutationSender>;
  lastSeq(topic: string): number | undefined;
  reportError(error: unknown): void;
}

interface Adopted {
  key: string;
  /** The document as it was when adopted: it is removed at the end only if no one saved it since. */
  text: string | null;
  outbox: Outbox;
  offs: Array<() => void>;
}

/**
 * Sends what closed tabs left in their queues (R11.1, R11.2): a store keeps a lease on its own queue
 * on the shelf, renewed every `scanIntervalMs` and dropped on close; at the same pace it looks for
 * queues whose lease is gone or expired, with mutations not yet acknowledged, on channels this store
 * has bound, takes a lease on one and replays it through its own channels under that queue's clientId
 * and mids, in order (the store's send-order rules, settled when their change is seen, as the queue's
 * own tab would). The document is only read, never written: should its tab come back, both may replay
 * the same mutations and the server acknowledges the second as `duplicate`. Once everything is
 * settled the queue is removed from the shelf, unless its tab saved it meanwhile.
 */
export class OrphanQueues {
  readonly #options: OrphanQueueOptions;
  readonly #host: OrphanQueueHost;
  readonly #holder: string;
  readonly #adopted = new Map<string, Adopted>();
  readonly #adopting = new Set<string>();
  #handle: unknown = null;
  #closed = false;

  constructor(options: OrphanQueueOptions, host: OrphanQueueHost) {
    this.#options = options;
    this.#host = host;
    this.#holder = options.holderId ?? randomHolderId();
    this.#renewOwn();
    this.#schedule();
  }

  /** The queues being replayed now (shelf keys). */
  get adoptedKeys(): string[] {
    return [...this.#adopted.keys()];
  }

  /** Runs a renewal and a scan now (the timer does this every `scanIntervalMs`). */
  tick(): void {
    if (this.#closed) return;
    this.#renewOwn();
    for (const adopted of [...this.#adopted.values()]) {
      if (!this.#renew(adopted.key)) this.#drop(adopted);
    }
    for (const key of this.#options.shelf.keys()) {
      if (key !== this.#options.key && !this.#adopted.has(key) && !this.#adopting.has(key)) this.#consider(key);
    }
  }

  /** A channel's sender changed: adopted queues send through it too. */
  setSender(topic: string, sender: MutationSender | undefined): void {
    for (const adopted of this.#adopted.values()) adopted.outbox.setSender(topic, sender);
  }

  resume(): void {
    for (const adopted of this.#adopted.values()) adopted.outbox.resume();
  }

  /** Committed changes arrived on `topic`: an adopted mutation whose change is among them, or behind `lastSeq`, is settled. */
  afterChanges(topic: string, changes: readonly Change[]): void {
    for (const adopted of [...this.#adopted.values()]) {
      for (const change of changes) {
        if (change.cid === adopted.outbox.clientId && change.mid !== undefined) adopted.outbox.settle(change.mid);
      }
      this.#settleCovered(adopted, topic, this.#host.lastSeq(topic));
    }
  }

  /** A snapshot current to `seq` replaced `topic`'s state: acknowledged mutations up to it are settled. */
  afterResync(topic: string, seq: number): void {
    for (const adopted of [...this.#adopted.values()]) this.#settleCovered(adopted, topic, seq);
  }

  /** Drops the own lease at once (the tab is going away), so another tab need not wait for it to expire. */
  releaseOwn(): void {
    this.#release(this.#options.key);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#handle !== null) this.#host.timers.clearTimeout(this.#handle);
    this.#handle = null;
    for (const adopted of [...this.#adopted.values()]) this.#drop(adopted);
    this.#release(this.#options.key);
  }

  #schedule(): void {
    this.#handle = this.#host.timers.setTimeout(() => {
      this.#handle = null;
      if (this.#closed) return;
      this.tick();
      this.#schedule();
    }, this.#options.scanIntervalMs ?? 10_000);
  }

  #lease() {
    return { holder: this.#holder, expiresAtMs: this.#host.timers.now() + (this.#options.leaseMs ?? 120_000) };
  }

  #renewOwn(): void {
    this.#options.shelf.writeLease(this.#options.key, this.#lease());
  }

  /** Renews an adopted queue's lease; false when someone else (its own tab, back) holds it now. */
  #renew(key: string): boolean {
    const lease = this.#options.shelf.readLease(key);
    if (lease && lease.holder !== this.#holder && lease.expiresAtMs > this.#host.timers.now()) return false;
    this.#options.shelf.writeLease(key, this.#lease());
    return true;
  }

  #release(key: string): void {
    if (this.#options.shelf.readLease(key)?.holder === this.#holder) this.#options.shelf.writeLease(key, null);
  }

  #consider(key: string): void {
    const shelf = this.#options.shelf;
    const lease = shelf.readLease(key);
    if (lease && lease.holder !== this.#holder && lease.expiresAtMs > this.#host.timers.now()) return;
    const text = shelf.rawDocument(key);
    let document: PersistedSyncState | null;
    try {
      document = shelf.load(key);
    } catch (error) {
      this.#host.reportError(error);
      return;
    }
    const pending = document?.pending ?? [];
    const senders = this.#host.senders();
    // Only a queue with something to send, all on channels bound here (the others' tabs may have them).
    if (!document || pending.every((mutation) => mutation.acked)) return;
    if (pending.some((mutation) => !senders.has(mutation.topic))) return;
    shelf.writeLease(key, this.#lease());
    if (shelf.readLease(key)?.holder !== this.#holder) return; // another tab took it first
    this.#adopting.add(key);
    this.#adopt(key, text, document).finally(() => this.#adopting.delete(key));
  }

  async #adopt(key: string, text: string | null, document: PersistedSyncState): Promise<void> {
    // A copy in memory: the queue's own document is never written by this tab.
    const copy = new MemoryQueueStorage();
    copy.save(document);
    const { outbox } = await Outbox.open({
      storage: copy,
      timers: this.#host.timers,
      mustWaitFor: (later, earlier) => this.#host.mustWaitFor(later, earlier),
    });
    if (this.#closed) {
      await outbox.close();
      this.#release(key);
      return;
    }
    const adopted: Adopted = { key, text, outbox, offs: [] };
    this.#adopted.set(key, adopted);
    adopted.offs.push(
      outbox.on('acked', ({ mutation }) =>
        this.#settleCovered(adopted, mutation.topic, this.#host.lastSeq(mutation.topic)),
      ),
      outbox.on('progress', () => this.#finishIfDone(adopted)),
      outbox.on('rejected', (event) =>
        this.#host.reportError(
          new Error(`A change left by a closed tab was refused (${event.code}): ${event.message}`),
        ),
      ),
      outbox.on('conflict', (event) => {
        if (!event.applied) this.#host.reportError(new Error('A change left by a closed tab was in conflict'));
      }),
    );
    for (const topic of new Set(outbox.entries().map((entry) => entry.mutation.topic))) {
      this.#settleCovered(adopted, topic, this.#host.lastSeq(topic));
    }
    for (const [topic, sender] of this.#host.senders()) outbox.setSender(topic, sender);
    this.#finishIfDone(adopted);
  }

  /** Acknowledged mutations whose change this store has already passed (at or below `seq`) are settled. */
  #settleCovered(adopted: Adopted, topic: string, seq: number | undefined): void {
    if (seq === undefined) return;
    for (const entry of [...adopted.outbox.entries()]) {
      if (entry.state === 'acked' && entry.mutation.topic === topic && (entry.ackedSeq ?? 0) <= seq) {
        adopted.outbox.settle(entry.mutation.mid);
      }
    }
  }

  #finishIfDone(adopted: Adopted): void {
    if (this.#adopted.get(adopted.key) !== adopted || adopted.outbox.entries().length > 0) return;
    const shelf = this.#options.shelf;
    if (shelf.rawDocument(adopted.key) === adopted.text) shelf.remove(adopted.key);
    this.#drop(adopted);
  }

  #drop(adopted: Adopted): void {
    if (this.#adopted.get(adopted.key) !== adopted) return;
    this.#adopted.delete(adopted.key);
    for (const off of adopted.offs.splice(0)) off();
    adopted.outbox.close().catch((error: unknown) => this.#host.reportError(error));
    this.#release(adopted.key);
  }
}

function randomHolderId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `tab-${Math.random().toString(36).slice(2, 12)}`;
}
