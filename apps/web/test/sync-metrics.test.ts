import { describe, expect, test } from 'vitest';
import { connectionFigures } from '../src/sync-metrics/connection-figures.ts';
import { meanWhere, parsePrometheusText, sumOf, sumWhere } from '../src/sync-metrics/prometheus-text.ts';

describe('sync metrics for the R16.2 dashboard', () => {
  test('R16.2 reads the server metrics text, summing a metric over nodes and labels', () => {
    const samples = parsePrometheusText(
      [
        '# HELP realtime_connections Open WebSocket connections on this node',
        '# TYPE realtime_connections gauge',
        'realtime_connections{node="a"} 12',
        'realtime_connections{node="b"} 30',
        'realtime_joins_refused_total{node="a",code="FORBIDDEN"} 2',
        'realtime_joins_refused_total{node="a",code="SUBSCRIPTION_LIMIT"} 1',
        'garbage line',
      ].join('\n'),
    );
    expect(sumOf(samples, 'realtime_connections')).toBe(42);
    expect(sumOf(samples, 'realtime_joins_refused_total')).toBe(3);
    expect(sumOf(samples, 'realtime_messages_in_total')).toBeNull();
    expect(samples.find((sample) => sample.labels.code === 'FORBIDDEN')?.labels.node).toBe('a');
  });

  test('R16.1 uptime share and reconnections per minute from the connection log', () => {
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
    const log = [
      { at: at(0), state: 'connected' as const, reason: null, attempt: 0, latencyMs: 20 },
      { at: at(30), state: 'reconnecting' as const, reason: 'OFFLINE', attempt: 1, latencyMs: 20 },
      { at: at(35), state: 'reconnecting' as const, reason: 'OFFLINE', attempt: 2, latencyMs: 20 },
      { at: at(45), state: 'connected' as const, reason: null, attempt: 0, latencyMs: 25 },
    ];
    const figures = connectionFigures(log, Date.parse(at(60)));
    expect(figures.uptimeRatio).toBeCloseTo(45 / 60);
    expect(figures.reconnectsPerMinute).toBeCloseTo(1);
  });
  test('R16.2 whole-system analytics gauges are read from their tenant="*" series only', () => {
    const samples = parsePrometheusText(
      [
        'wedsync_concurrent_users{tenant="*",node="a"} 7',
        'wedsync_concurrent_users{tenant="*",node="b"} 5',
        'wedsync_concurrent_users{tenant="lenslight",node="a"} 3',
        'wedsync_sync_failure_ratio{tenant="*",node="a"} 0.1',
        'wedsync_sync_failure_ratio{tenant="*",node="b"} 0.3',
      ].join('\n'),
    );
    expect(sumWhere(samples, 'wedsync_concurrent_users', 'tenant', '*')).toBe(12);
    expect(meanWhere(samples, 'wedsync_sync_failure_ratio', 'tenant', '*')).toBeCloseTo(0.2);
    expect(sumWhere(samples, 'wedsync_channel_subscriptions', 'tenant', '*')).toBeNull();
    expect(meanWhere(samples, 'wedsync_sync_failure_ratio', 'tenant', 'bloom')).toBeNull();
  });
});
