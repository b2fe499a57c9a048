import type { Mutation } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Timers } from '../src/connection/timers.ts';
import { LocalStorageQueueStorage } from '../src/outbox/local-storage-queue-storage.ts';
import type { RejectedEvent } from '../src/outbox/outbox-types.ts';
import { type IndexedStorageLike, LocalStorageQueueShelf } from '../src/outbox/queue-shelf.ts';
import { PGLITE_START_TIMEOUT_MS, type StoreClient, SyncWorld, settledWhen } from './store-sync-fixture.ts';

/** `localStorage` as every tab of an origin shares it, with its index (Node 20 has none). */
class SharedLocalStorage implements IndexedStorageLike {
  readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** A hand-driven clock per tab: timers fire only when the test advances it. */
class FakeClock implements Timers {
  nowMs = 1_000_000;
  readonly #due = new Map<number, { atMs: number; run: () => void }>();
  #next = 0;
  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = ++this.#next;
    this.#due.set(handle, { atMs: this.nowMs + delayMs, run: callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }
  now(): number {
    return this.nowMs;
  }
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      const [handle, next] = [...this.#due.entries()].sort((a, b) => a[1].atMs - b[1].atMs)[0] ?? [];
      if (handle === undefined || !next || next.atMs > until) break;
      this.#due.delete(handle);
      this.nowMs = next.atMs;
      next.run();
    }
    this.nowMs = until;
  }
}

const SCAN_MS = 10_000;
const LEASE_MS = 30_000;

/**
 * R11.1: a tab closed (or crashed) with changes still queued does not have to wait for the next tab
 * to open: an open tab of the same person finds the queue (its lease gone or expired) and replays it
 * under the closed tab's clientId and mids. The server here checks rights the way the wedding app
 * does (a new record's edit is refused until the create is delivered), so the replay must keep the
 * store's send order too.
 */
describe('An open tab sends the queue a closed tab left behind (R11.1, R11.2)', () => {
  let world: SyncWorld;
  const known = new Set<string>();
  const received: Pick<Mutation, 'mid' | 'id'>[] = [];
  let local: SharedLocalStorage;
  let shelf: LocalStorageQueueShelf;
  /** What the stores report (an adopted change refused, a damaged queue). */
  let errors: unknown[];

  beforeAll(async () => {
    world = await SyncWorld.start({
      hooks: {
        authorizeMutation: ({ mutation }) => {
          received.push({ mid: mutation.mid, id: mutation.id });
          if (!known.has(mutation.id) && !mutation.ops.some((op) => op.k === 'set' && op.f === 1)) {
            return { code: 'FORBIDDEN', message: 'A new items record needs its owner field title' };
          }
          return undefined;
        },
        beforeDeliver: async (changes) => {
          for (const change of changes) known.add(change.id);
        },
      },
    });
  }, PGLITE_START_TIMEOUT_MS);
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.freshTopic();
    received.length = 0;
    local = new SharedLocalStorage();
    shelf = new LocalStorageQueueShelf(local, 'q');
    errors = [];
  });
  afterEach(async () => {
    await world.closeClients();
  });

  const openTab = (name: string, clock: FakeClock, online: boolean) =>
    world.connect('alice', {
      queue: new LocalStorageQueueStorage(local, `q.tab-${name}`),
      online,
      store: {
        timers: clock,
        unloadTarget: null,
        visibility: null,
        onError: (error) => errors.push(error),
        orphanQueues: { shelf, key: `q.tab-${name}`, holderId: name, scanIntervalMs: SCAN_MS, leaseMs: LEASE_MS },
      },
    });

  /** Tab A, offline, creates a note and types in it; returns its clientId. */
  const writeOffline = (tab: StoreClient, note: string) => {
    tab.store.create('items', note, { title: 'Menu' });
    tab.store.editText('items', note, 'notes', 'Starter');
    tab.store.editText('items', note, 'notes', 'Starter, soup');
    return tab.store.clientId;
  };

  it('R11.1 a tab closed with queued changes: the open tab replays them at its next scan, in order, and removes the queue', async () => {
    const note = world.rid('note');
    const clockB = new FakeClock();
    const tabB = await openTab('b', clockB, true);
    const rejected: string[] = [];
    tabB.store.outbox.on('rejected', (event: RejectedEvent) => rejected.push(event.code));
    const tabA = await openTab('a', new FakeClock(), false);
    const clientA = writeOffline(tabA, note);
    expect(shelf.keys()).toEqual(['q.tab-a', 'q.tab-b']);
    await tabA.close(); // the tab goes away: its lease is dropped, its queue stays
    expect(shelf.readLease('q.tab-a')).toBeNull();
    expect(shelf.load('q.tab-a')?.pending).toHaveLength(3);

    clockB.advance(SCAN_MS);
    await settledWhen(
      [tabB.store],
      () => tabB.store.record('items', note)?.fields.notes === 'Starter, soup' && tabB.store.adoptedQueues.length === 0,
      'the closed tab’s note reached the open tab',
    );
    expect(rejected).toEqual([]);
    expect(errors).toEqual([]);
    expect(received).toEqual([
      { mid: 1, id: note },
      { mid: 2, id: note },
      { mid: 3, id: note },
    ]);
    const server = await world.serverRecords();
    expect(server.get(note)).toEqual({ v: 3, fields: { '1': 'Menu', '2': 'Starter, soup' } });
    const history = await world.storage.history('items', note, { limit: 10 });
    expect(history.every((entry) => entry.by === 'alice')).toBe(true);
    // Sent under the closed tab's identity: the changes came back with its clientId, not tab B's.
    expect(tabB.store.clientId).not.toBe(clientA);
    expect(shelf.keys()).toEqual(['q.tab-b']);
    expect(shelf.readLease('q.tab-b')?.holder).toBe('b');
  });

  it('R11.1 a crashed tab (lease never dropped) is left alone while its lease lasts, then replayed', async () => {
    const note = world.rid('note');
    const clockB = new FakeClock();
    const tabB = await openTab('b', clockB, true);
    const clockA = new FakeClock();
    clockA.nowMs = clockB.nowMs;
    const tabA = await openTab('a', clockA, false);
    writeOffline(tabA, note);
    // Tab A stops running here (no close, no more timers): its lease still runs for LEASE_MS.
    clockB.advance(SCAN_MS);
    expect(tabB.store.adoptedQueues).toEqual([]);
    expect(received).toEqual([]);
    clockB.advance(LEASE_MS);
    expect(shelf.readLease('q.tab-a')?.holder).toBe('b');
    await settledWhen(
      [tabB.store],
      () => tabB.store.record('items', note)?.fields.notes === 'Starter, soup' && tabB.store.adoptedQueues.length === 0,
      'the crashed tab’s note reached the open tab',
    );
    expect(received.map((m) => m.mid)).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
    expect(shelf.keys()).toEqual(['q.tab-b']);
  });

  it('R11.1 a live tab keeps its queue: its renewed lease keeps other tabs from replaying it', async () => {
    const clockB = new FakeClock();
    const tabB = await openTab('b', clockB, true);
    const clockA = new FakeClock();
    const tabA = await openTab('a', clockA, false);
    writeOffline(tabA, world.rid('note'));
    for (let round = 0; round < 6; round++) {
      clockA.nowMs = clockB.nowMs;
      clockA.advance(SCAN_MS);
      clockB.advance(SCAN_MS);
      expect(tabB.store.adoptedQueues).toEqual([]);
    }
    expect(received).toEqual([]);
    expect(shelf.load('q.tab-a')?.pending).toHaveLength(3);
  });
});
