import type { TelemetryBatch } from '@wedsync/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TelemetrySendError } from '../src/telemetry/http-telemetry-sender.ts';
import { SyncTelemetry } from '../src/telemetry/sync-telemetry.ts';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('client telemetry while offline (R12.1)', () => {
  it('R12.1 keeps at most maxPendingReports while sending fails, drops older ones and reports the count', async () => {
    const { client } = scriptedClient();
    let online = false;
    const delivered: TelemetryBatch[] = [];
    const attempts: number[] = [];
    const telemetry = new SyncTelemetry({
      client,
      maxPendingReports: 6,
      send: async (batch) => {
        attempts.push(batch.reports.length);
        if (!online) throw new TypeError('fetch failed');
        delivered.push(batch);
      },
    });
    await vi.advanceTimersByTimeAsync(10 * 10_000);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 6, 6, 6, 6]);
    expect(telemetry.pendingReports).toBe(6);
    expect(telemetry.droppedReports).toBe(4);
    online = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(delivered).toHaveLength(1);
    const reports = delivered[0]!.reports;
    expect(reports).toHaveLength(6);
    expect(reports.map((report) => report.droppedReports ?? 0)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(reports.at(-1)!.windowStartMs - reports[0]!.windowStartMs).toBe(5 * 10_000);
    expect(telemetry.pendingReports).toBe(0);
    await telemetry.close({ flush: false });
    await client.close();
  });

  it('R12.1 a refusal a resend cannot fix (HTTP 400) drops the batch instead of retrying it forever', async () => {
    const { client } = scriptedClient();
    const attempts: number[] = [];
    const telemetry = new SyncTelemetry({
      client,
      send: async (batch) => {
        attempts.push(batch.reports.length);
        throw new TelemetrySendError(400, false);
      },
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(attempts).toEqual([1, 1, 1]);
    expect(telemetry.pendingReports).toBe(0);
    expect(telemetry.droppedReports).toBe(3);
    await telemetry.close({ flush: false });
    await client.close();
  });
});
