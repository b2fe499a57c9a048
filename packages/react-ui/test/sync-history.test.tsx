// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { SyncHistory, type SyncHistoryPoint } from '../src/sync-history.tsx';

afterEach(cleanup);

const bucket = (minute: number, overrides: Partial<SyncHistoryPoint> = {}): SyncHistoryPoint => ({
  at: new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString(),
  reports: 0,
  uptimePct: null,
  latencyAvgMs: null,
  latencyP95Ms: null,
  messagesPerSecond: 0,
  reconnects: 0,
  syncAttempts: 0,
  syncFailures: 0,
  syncFailureRate: null,
  conflicts: 0,
  concurrentUsers: 0,
  channelSubscriptions: 0,
  ...overrides,
});

describe('SyncHistory (R16.2)', () => {
  test('R16.2 graphs uptime, latency, error-rate trend and concurrent users over the buckets; unreported buckets are not drawn as zero', () => {
    render(
      <SyncHistory
        rangeLabel="last hour, per minute"
        points={[
          bucket(0, { concurrentUsers: 2, channelSubscriptions: 9 }),
          bucket(1, {
            reports: 3,
            uptimePct: 100,
            latencyP95Ms: 40,
            syncAttempts: 10,
            syncFailures: 1,
            syncFailureRate: 0.1,
            concurrentUsers: 3,
            channelSubscriptions: 12,
          }),
          bucket(2, {
            reports: 2,
            uptimePct: 50,
            latencyP95Ms: 120,
            syncAttempts: 4,
            syncFailureRate: 0,
            conflicts: 2,
            reconnects: 1,
            concurrentUsers: 1,
            channelSubscriptions: 4,
          }),
        ]}
      />,
    );
    const region = screen.getByRole('region', { name: 'Sync history' });
    expect(region.textContent).toContain('5 client reports, 14 syncs, 1 failed, 2 conflicts');
    expect(
      screen.getByRole('img', { name: /^Uptime \(clients\): now 50\.0%, range 50\.0% to 100\.0% over 2 samples$/ }),
    ).toBeTruthy();
    expect(
      screen.getByRole('img', { name: /^Latency p95 \(clients\): now 120 ms, range 40 ms to 120 ms over 2 samples$/ }),
    ).toBeTruthy();
    expect(
      screen.getByRole('img', { name: /^Sync failure rate: now 0\.0%, range 0\.0% to 10\.0% over 2 samples$/ }),
    ).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Concurrent users: now 1, range 1 to 3 over 3 samples$/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Conflicts: now 2, range 0 to 2 over 3 samples$/ })).toBeTruthy();
  });

  test('R16.2 says when there is nothing yet, and why history is unavailable', () => {
    const { rerender } = render(<SyncHistory rangeLabel="last hour" points={[bucket(0)]} />);
    expect(screen.getByRole('status').textContent).toBe('No client reports yet: clients report every 10 seconds.');
    rerender(<SyncHistory rangeLabel="last hour" points={[]} error="FORBIDDEN" />);
    expect(screen.getByRole('status').textContent).toBe('History unavailable: FORBIDDEN');
    expect(screen.queryByRole('img')).toBeNull();
  });
});
