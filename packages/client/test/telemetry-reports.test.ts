import type { MutatePayload, MutateReply, MutationResult, TelemetryBatch } from '@wedsync/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import { type MutationSender, Outbox } from '../src/outbox/outbox.ts';
import { SyncTelemetry } from '../src/telemetry/sync-telemetry.ts';
import { scriptedClient } from './scripted-client.ts';

const T0 = 1_700_000_000_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Collects what telemetry sends; succeeds unless told otherwise. */
function recorder() {
  const batches: TelemetryBatch[] = [];
  return { batches, send: async (batch: TelemetryBatch) => void batches.push(batch) };
}

describe('client telemetry (R12.1, R16.1)', () => {
  it('R12.1 R16.1 every 10 s reports connected time, heartbeat round trips, frames and reconnects', async () => {
    const { client, connectOpen, settle, ws } = scriptedClient({ heartbeatIntervalMs: 30_000 });
    const sent = recorder();
    const telemetry = new SyncTelemetry({ client, send: sent.send });
    await vi.advanceTimersByTimeAsync(1_000);
    const socket = await connectOpen();
    await vi.advanceTimersByTimeAsync(40);
    socket.answerHeartbeats();
    await vi.advanceTimersByTimeAsync(10_000 - 1_040);
    expect(sent.batches).toHaveLength(1);
    const [first] = sent.batches[0]!.reports;
    expect(first).toMatchObject({
      windowStartMs: T0,
      windowMs: 10_000,
      connectedMs: 9_000,
      latencyMs: [40],
      reconnects: 0,
      messagesOut: 1,
      messagesIn: 1,
    });

    // Three drops and reconnects within the next window (R1.4 backoff ran meanwhile).
    for (let drop = 0; drop < 3; drop++) {
      ws.last().serverClose(1006);
      await vi.advanceTimersByTimeAsync(2_000);
      ws.last().open();
      await settle();
    }
    await vi.advanceTimersByTimeAsync(10_000 - 6_000);
    expect(sent.batches).toHaveLength(2);
    const second = sent.batches[1]!.reports[0]!;
    expect(second.reconnects).toBe(3);
    expect(second.windowStartMs).toBe(T0 + 10_000);
    expect(second.connectedMs).toBeLessThan(10_000);
    expect(second.connectedMs).toBeGreaterThan(0);
    await telemetry.close({ flush: false });
    await client.close();
  });

  it('R16.1 counts answered mutations, rejections, retried failures and conflicts from the outbox', async () => {
    const { client } = scriptedClient();
    const { outbox } = await Outbox.open({ storage: new MemoryQueueStorage() });
    const sent = recorder();
    const telemetry = new SyncTelemetry({ client, outbox, send: sent.send });
    const scripted: Array<(payload: MutatePayload) => Promise<MutateReply>> = [
      async () => {
        throw Object.assign(new Error('timeout'), { code: 'TIMEOUT' });
      },
      async (payload) => ({ results: payload.mutations.map((mutation) => resultFor(mutation.mid)) }),
    ];
    const sender: MutationSender = { ready: () => true, send: (payload) => scripted.shift()!(payload) };
    outbox.setSender('wedding:w1', sender);
    for (const id of ['a', 'b', 'c']) {
      outbox.enqueue({ topic: 'wedding:w1', c: 'weddings', id, base: 0, ops: [{ k: 'set', f: 1, v: id }] });
    }
    await vi.advanceTimersByTimeAsync(10_000);
    const reports = sent.batches.flatMap((batch) => batch.reports);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ syncAttempts: 3, syncFailures: 2, conflicts: 1 });
    await telemetry.close({ flush: false });
    outbox.close();
    await client.close();
  });

  it('R12.1 sends the current window at once when the page is hidden', async () => {
    const { client } = scriptedClient();
    const sent = recorder();
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const telemetry = new SyncTelemetry({ client, send: sent.send, visibility: page });
    await vi.advanceTimersByTimeAsync(3_500);
    page.visibilityState = 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.batches.map((batch) => batch.reports.map((report) => report.windowMs))).toEqual([[3_500]]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.batches[1]?.reports[0]).toMatchObject({ windowStartMs: T0 + 3_500, windowMs: 10_000 });
    await telemetry.close({ flush: false });
    await client.close();
  });

  it('R12.1 close() sends the last window and leaves no timer or listener', async () => {
    const { client } = scriptedClient();
    await client.close();
    const timersBefore = vi.getTimerCount();
    const sent = recorder();
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const telemetry = new SyncTelemetry({ client, send: sent.send, visibility: page });
    expect(vi.getTimerCount()).toBe(timersBefore + 1);
    await vi.advanceTimersByTimeAsync(2_000);
    await telemetry.close();
    expect(sent.batches.map((batch) => batch.reports[0]?.windowMs)).toEqual([2_000]);
    expect(vi.getTimerCount()).toBe(timersBefore);
    page.visibilityState = 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent.batches).toHaveLength(1);
  });
});

/** Mutation 1 applied, 2 rejected, 3 in conflict on field 1. */
function resultFor(mid: number): MutationResult {
  if (mid === 1) return { mid, status: 'applied', v: 1, seq: 10 };
  if (mid === 2) return { mid, status: 'rejected', code: 'FORBIDDEN', message: 'no' };
  return {
    mid,
    status: 'conflict',
    v: 2,
    conflicts: [{ f: 1, base: null, mine: 'c', theirs: 'z', by: 'u-x', at: new Date(T0).toISOString(), v: 2 }],
  };
}
