import type { AnalyticsPoint, AnalyticsResolution, TelemetryReport } from '@wedsync/protocol';
import type { RealtimeServer, TenantResolver } from '@wedsync/server';
import { runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import type { Directory } from '@wedsync/wedding';
import { analyticsTenants, tenantsOfUser } from '../audit/wedding-tenants.ts';
import { AnalyticsAccumulator } from './analytics-accumulator.ts';
import { registerAnalyticsMetrics } from './analytics-metrics.ts';
import { ANALYTICS_MIGRATIONS, AnalyticsStore, HOUR_MS } from './analytics-store.ts';
import { LiveUsage } from './live-usage.ts';

export interface AnalyticsServiceOptions {
  sql: SqlClient;
  realtime: Pick<RealtimeServer, 'onJoin' | 'onLeave' | 'stats' | 'nodeId' | 'metrics'>;
  directory: Directory;
  tenantOf: TenantResolver;
  nowMs?: () => number;
  /** Live samples are taken and this node's figures written this often; default 10 000 (R12.1's interval). */
  flushIntervalMs?: number;
  /** Hourly rollup and pruning; default 5 minutes. */
  maintenanceIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface AnalyticsService {
  /** Counts one user's client reports (R16.1) towards their tenants and `*`. */
  ingest(userId: string, reports: readonly TelemetryReport[]): void;
  /** Samples live figures and writes this node's pending figures now (the timer does this too). */
  flush(): Promise<void>;
  /** Rolls up the completed hours of the last 3 hours and prunes beyond retention (the timer does this too). */
  maintain(): Promise<void>;
  series(tenant: string, fromMs: number, toMs: number, resolution: AnalyticsResolution): Promise<AnalyticsPoint[]>;
  /** Tenants whose figures this user may read (`*` too when there is any). */
  readableTenants(userId: string): string[];
  close(): Promise<void>;
}

/**
 * Sync analytics of the app (R16.1, R16.2): client telemetry and live connection figures per tenant
 * into the minute/hour series, the Prometheus gauges on the server's registry, and the timers.
 */
export async function createAnalyticsService(options: AnalyticsServiceOptions): Promise<AnalyticsService> {
  const { sql, realtime, directory } = options;
  const nowMs = options.nowMs ?? Date.now;
  const onError =
    options.onError ?? ((error: unknown, context: string) => console.error(`[analytics] ${context}:`, error));
  await runMigrations(sql, [ANALYTICS_MIGRATIONS]);
  const store = new AnalyticsStore(sql);
  const accumulator = new AnalyticsAccumulator();
  const live = new LiveUsage(realtime, options.tenantOf);
  registerAnalyticsMetrics(realtime.metrics, {
    lastMinute: () => accumulator.lastCompleteMinute(nowMs()),
    live: () => live.figures(),
  });

  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    accumulator.sample(live.figures(), nowMs());
    const run = writing.then(async () => {
      const deltas = accumulator.drain();
      try {
        await store.addMinutes(realtime.nodeId, deltas);
      } catch (error) {
        accumulator.restore(deltas);
        throw error;
      }
    });
    writing = run.catch(() => undefined);
    return run;
  };
  const maintain = async () => {
    const now = nowMs();
    const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
    await store.rollupHours(currentHour - 3 * HOUR_MS, currentHour);
    await store.prune(now);
  };
  const flushTimer = setInterval(() => {
    flush().catch((error) => onError(error, 'analytics flush'));
  }, options.flushIntervalMs ?? 10_000);
  flushTimer.unref();
  const maintenanceTimer = setInterval(() => {
    maintain().catch((error) => onError(error, 'analytics maintenance'));
  }, options.maintenanceIntervalMs ?? 300_000);
  maintenanceTimer.unref();

  return {
    ingest(userId, reports) {
      const tenants = tenantsOfUser(directory, userId);
      const now = nowMs();
      for (const report of reports) accumulator.ingest(report, tenants, now);
    },
    flush,
    maintain,
    series: (tenant, fromMs, toMs, resolution) => store.series(tenant, fromMs, toMs, resolution, nowMs()),
    readableTenants(userId) {
      const tenants = analyticsTenants(directory, userId);
      return tenants.length > 0 ? ['*', ...tenants] : [];
    },
    async close() {
      clearInterval(flushTimer);
      clearInterval(maintenanceTimer);
      await flush().catch((error) => onError(error, 'analytics flush'));
      live.close();
    },
  };
}
