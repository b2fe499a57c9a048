import type { MutatePayload, MutateReply, MutationResult } from '@wedsync/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import { type MutationSender, Outbox, type OutboxOptions } from '../src/outbox/outbox.ts';

/**
 * A scripted channel for the outbox's own mechanics (batching, retries, rate limits) that a real server
 * cannot be made to produce on cue. It applies each (clientId, mid) once, like the storage contract.
 * End-to-end behaviour against the real server is in store-server-*.test.ts.
 */
class ScriptedSender implements MutationSender {
  online = true;
  readonly batches: number[][] = [];
  readonly applied: number[] = [];
  readonly waiting: Array<() => void> = [];
  next: Array<(payload: MutatePayload) => Promise<MutateReply>> = [];
  seq = 0;

  ready(): boolean {
    return this.online;
  }

  send(payload: MutatePayload): Promise<MutateReply> {
    this.batches.push(payload.mutations.map((m) => m.mid));
    const scripted = this.next.shift();
    if (scripted) return scripted(payload);
    return Promise.resolve(this.commit(payload));
  }

  commit(payload: MutatePayload): MutateReply {
    const results = payload.mutations.map((m): MutationResult => {
      if (this.applied.includes(m.mid)) return { mid: m.mid, status: 'duplicate', seq: this.seq };
      this.applied.push(m.mid);
      return { mid: m.mid, status: 'applied', v: 1, seq: ++this.seq };
    });
    return { results };
  }
}

const failure = (code: string, details?: Record<string, unknown>) =>
  Object.assign(new Error(code), { code, ...(details ? { details } : {}) });

async function openOutbox(options: Partial<OutboxOptions> = {}) {
  const storage = new MemoryQueueStorage();
  const { outbox } = await Outbox.open({ storage, ...options });
  return { storage, outbox };
}

const draft = (id: string, value: unknown = 'x') => ({
  topic: 'wedding:w1',
  c: 'weddings',
  id,
  base: 0,
  ops: [{ k: 'set' as const, f: 1, v: value }],
});

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Outbox sending (R11.2, R15.1)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('R11.2 sends queued mutations in order in batches of at most 100 and keeps them until acknowledged', async () => {
    const { outbox, storage } = await openOutbox();
    for (let n = 0; n < 250; n++) outbox.enqueue(draft(`r${n}`));
    expect(storage.load()?.pending).toHaveLength(250);
    const sender = new ScriptedSender();
    outbox.setSender('wedding:w1', sender);
    await vi.waitFor(() => expect(sender.batches).toHaveLength(3));
    expect(sender.batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(sender.batches.flat()).toEqual(Array.from({ length: 250 }, (_, n) => n + 1));
    // Acknowledged: never sent again, but kept (flagged) until the store sees their changes.
    expect(storage.load()?.pending.filter((m) => !m.acked)).toHaveLength(0);
    expect(storage.load()?.pending.every((m) => m.acked && m.ackedSeq !== undefined)).toBe(true);
    expect(outbox.progress()).toMatchObject({ queued: 0, sending: 0, done: 250, failed: 0 });
    expect(outbox.progress().lastSyncedAtMs).toBeGreaterThan(0);
    await outbox.close();
  });

  it('R11.2 progress is observable: queued, then sending while the batch is in flight, then done; last synced at the ack', async () => {
    vi.setSystemTime(Date.UTC(2025, 5, 1, 12, 0, 0));
    const { outbox } = await openOutbox();
    const sender = new ScriptedSender();
    let reply: (() => void) | undefined;
    sender.next.push(
      (payload) =>
        new Promise<MutateReply>((resolve) => {
          reply = () => resolve(sender.commit(payload));
        }),
    );
    const seen: Array<[number, number, number]> = [];
    outbox.on('progress', (progress) => seen.push([progress.queued, progress.sending, progress.done]));
    outbox.enqueue(draft('a'));
    outbox.enqueue(draft('b'));
    expect(outbox.progress()).toMatchObject({ queued: 2, sending: 0, done: 0, lastSyncedAtMs: null });
    outbox.setSender('wedding:w1', sender);
    await settled();
    expect(outbox.progress()).toMatchObject({ queued: 2, sending: 2, done: 0, lastSyncedAtMs: null });
    vi.setSystemTime(Date.UTC(2025, 5, 1, 12, 0, 5));
    reply!();
    await settled();
    expect(outbox.progress()).toMatchObject({
      queued: 0,
      sending: 0,
      done: 2,
      lastSyncedAtMs: Date.UTC(2025, 5, 1, 12, 0, 5),
    });
    // Listeners saw the same three stages, in order.
    expect(seen).toContainEqual([2, 2, 0]);
    expect(seen.at(-1)).toEqual([0, 0, 2]);
    expect(seen.findIndex(([, sending]) => sending === 2)).toBeLessThan(seen.length - 1);
    await outbox.close();
  });

  it('R15.1 resends the same mids after a timeout; the replay is acknowledged once', async () => {
    const { outbox } = await openOutbox({ retryDelays: { initialMs: 1_000 } });
    const sender = new ScriptedSender();
    sender.next.push(async (payload) => {
      sender.commit(payload); // applied on the server, but the reply is lost
      throw failure('TIMEOUT');
    });
    outbox.setSender('wedding:w1', sender);
    outbox.enqueue(draft('a'));
    outbox.enqueue(draft('b'));
    await settled();
    expect(outbox.progress()).toMatchObject({ queued: 2, retryAtMs: Date.now() + 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sender.batches).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(sender.applied).toEqual([1, 2]);
    expect(outbox.progress()).toMatchObject({ queued: 0, done: 2 });
    await outbox.close();
  });

  it('R15.1 a RATE_LIMITED reply waits retryAfterMs, halves the batch and ignores rejoins meanwhile', async () => {
    const { outbox } = await openOutbox();
    const sender = new ScriptedSender();
    sender.next.push(async () => {
      throw failure('RATE_LIMITED', { retryAfterMs: 5_000 });
    });
    for (let n = 0; n < 100; n++) outbox.enqueue(draft(`r${n}`));
    outbox.setSender('wedding:w1', sender);
    await settled();
    outbox.resume();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(sender.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sender.batches.map((b) => b.length)).toEqual([100, 50, 50]);
    expect(outbox.progress()).toMatchObject({ queued: 0, done: 100 });
    await outbox.close();
  });

  it('R15.1 a per-mutation RATE_LIMITED result keeps that mutation queued for the retry', async () => {
    const { outbox } = await openOutbox();
    const sender = new ScriptedSender();
    sender.next.push(async (payload) => ({
      results: payload.mutations.map((m) => ({
        mid: m.mid,
        status: 'rejected' as const,
        code: 'RATE_LIMITED',
        message: 'slow down',
        details: { retryAfterMs: 300 },
      })),
    }));
    outbox.setSender('wedding:w1', sender);
    outbox.enqueue(draft('a'));
    await settled();
    expect(outbox.progress()).toMatchObject({ queued: 1, failed: 0 });
    await vi.advanceTimersByTimeAsync(300);
    expect(sender.applied).toEqual([1]);
    await outbox.close();
  });

  it('R11.2 reports a rejected mutation and drops it; the others still go', async () => {
    const { outbox } = await openOutbox();
    const sender = new ScriptedSender();
    sender.next.push(async (payload) => {
      const reply = sender.commit({ ...payload, mutations: payload.mutations.filter((m) => m.mid !== 2) });
      reply.results.splice(1, 0, { mid: 2, status: 'rejected', code: 'FIELD_LOCKED', message: 'Bob is editing' });
      return reply;
    });
    const rejected: unknown[] = [];
    outbox.on('rejected', (event) => rejected.push(event));
    outbox.setSender('wedding:w1', sender);
    outbox.enqueue(draft('a'));
    outbox.enqueue(draft('b', 'locked'));
    outbox.enqueue(draft('c'));
    await settled();
    expect(rejected).toEqual([
      expect.objectContaining({
        code: 'FIELD_LOCKED',
        message: 'Bob is editing',
        mutation: expect.objectContaining({ mid: 2 }),
      }),
    ]);
    expect(outbox.progress()).toMatchObject({ queued: 0, done: 2, failed: 1 });
    expect(outbox.entries().map((e) => [e.mutation.mid, e.state])).toEqual([
      [1, 'acked'],
      [3, 'acked'],
    ]);
    await outbox.close();
  });

  it('R11.2 a refused batch is retried one by one so only the offending mutation is dropped', async () => {
    const drops: number[] = [];
    const { outbox } = await openOutbox({ beforeDrop: (entry) => drops.push(entry.mutation.mid) });
    const sender = new ScriptedSender();
    const refuseIfHas2 = async (payload: MutatePayload) => {
      if (payload.mutations.some((m) => m.mid === 2)) throw failure('VALIDATION_FAILED');
      return sender.commit(payload);
    };
    sender.next.push(refuseIfHas2, refuseIfHas2, refuseIfHas2, refuseIfHas2);
    outbox.setSender('wedding:w1', sender);
    for (const id of ['a', 'b', 'c']) outbox.enqueue(draft(id));
    await vi.runAllTimersAsync();
    expect(sender.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(drops).toEqual([2]);
    expect(sender.applied).toEqual([1, 3]);
    await outbox.close();
  });

  it('R11.2 waits while disconnected and sends on resume; settle removes a mutation seen as an echo', async () => {
    const { outbox } = await openOutbox();
    const sender = new ScriptedSender();
    sender.online = false;
    outbox.setSender('wedding:w1', sender);
    outbox.enqueue(draft('a'));
    outbox.enqueue(draft('b'));
    await settled();
    expect(sender.batches).toEqual([]);
    expect(outbox.settle(1)).toBe(true);
    sender.online = true;
    outbox.resume();
    await settled();
    expect(sender.batches).toEqual([[2]]);
    expect(outbox.entries().map((e) => e.state)).toEqual(['acked']);
    outbox.settle(2);
    expect(outbox.progress()).toMatchObject({ queued: 0, done: 2 });
    await outbox.close();
  });

  it('R11.2 holds a later mutation of a record until the earlier one is settled (mustWaitFor)', async () => {
    const { outbox } = await openOutbox();
    const sender = new ScriptedSender();
    outbox.setSender('wedding:w1', sender);
    outbox.enqueue(draft('a'));
    outbox.enqueue(draft('a', 'second'));
    outbox.enqueue(draft('b'));
    await settled();
    expect(sender.batches).toEqual([[1]]);
    outbox.settle(1);
    await settled();
    expect(sender.batches).toEqual([[1], [2, 3]]);
    await outbox.close();
  });

  it('R15.1 close() cancels a scheduled retry: no timer is left behind', async () => {
    const { outbox } = await openOutbox({ retryDelays: { initialMs: 60_000 } });
    const sender = new ScriptedSender();
    sender.next.push(async () => {
      throw failure('TIMEOUT');
    });
    outbox.setSender('wedding:w1', sender);
    outbox.enqueue(draft('a'));
    await settled();
    expect(vi.getTimerCount()).toBe(1);
    await outbox.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(() => outbox.enqueue(draft('b'))).toThrow(/closed/);
  });
});
