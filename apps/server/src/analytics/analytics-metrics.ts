import { Gauge, type Registry } from 'prom-client';
import { type BucketSums, toPoint } from './bucket-sums.ts';
import type { LiveFigures } from './live-usage.ts';

/** What the gauges read at scrape time. */
export interface AnalyticsGaugeSource {
  /** This node's client-reported figures of the last complete minute, per tenant (`*` = all). */
  lastMinute(): ReadonlyMap<string, BucketSums>;
  /** This node's live users and subscriptions per tenant (`*` = the node). */
  live(): ReadonlyMap<string, LiveFigures>;
}

/**
 * R16.1, R16.2 on `/metrics` (the server's registry): per tenant (label `tenant`, `*` for all) of this
 * node, the last complete minute's client figures and the live concurrent users and subscriptions.
 * Values are computed at scrape time; a tenant without figures has no series.
 */
export function registerAnalyticsMetrics(registry: Registry, source: AnalyticsGaugeSource): void {
  const registers = [registry];
  const fromMinute = (
    name: string,
    help: string,
    value: (point: ReturnType<typeof toPoint>) => number | null,
  ): void => {
    new Gauge({
      name,
      help,
      labelNames: ['tenant'],
      registers,
      collect() {
        this.reset();
        for (const [tenant, sums] of source.lastMinute()) {
          const figure = value(toPoint(0, 60_000, sums));
          if (figure !== null) this.set({ tenant }, figure);
        }
      },
    });
  };
  fromMinute('wedsync_sync_uptime_ratio', 'Share of client time connected, last minute (R16.1)', (point) =>
    point.uptimePct === null ? null : point.uptimePct / 100,
  );
  fromMinute('wedsync_sync_latency_avg_ms', 'Average client round trip, last minute (R16.1)', (p) => p.latencyAvgMs);
  fromMinute('wedsync_sync_latency_p95_ms', '95th percentile client round trip, last minute', (p) => p.latencyP95Ms);
  fromMinute(
    'wedsync_sync_messages_per_second',
    'Client frames in+out per second, last minute',
    (p) => p.messagesPerSecond,
  );
  fromMinute('wedsync_sync_reconnects_per_minute', 'Client reconnects in the last minute (R16.1)', (p) => p.reconnects);
  fromMinute(
    'wedsync_sync_failure_ratio',
    'Sync failures per answered mutation, last minute',
    (p) => p.syncFailureRate,
  );
  fromMinute('wedsync_sync_conflicts_per_minute', 'Conflicts in the last minute (R16.1)', (p) => p.conflicts);
  const fromLive = (name: string, help: string, value: (live: LiveFigures) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['tenant'],
      registers,
      collect() {
        this.reset();
        for (const [tenant, live] of source.live()) this.set({ tenant }, value(live));
      },
    });
  };
  fromLive('wedsync_concurrent_users', 'Distinct users connected now (R16.2)', (live) => live.users);
  fromLive('wedsync_channel_subscriptions', 'Channel subscriptions now (R16.2)', (live) => live.subscriptions);
}
