import { fileURLToPath } from 'node:url';
import type { AnalyticsPoint, AnalyticsResolution } from '@wedsync/protocol';
import type { MigrationSet, SqlClient, SqlRow } from '@wedsync/storage-postgres';
import { MINUTE_MS, type MinuteDelta } from './analytics-accumulator.ts';
import { type BucketSums, emptySums, mergeSums, thinSamples, toPoint } from './bucket-sums.ts';

export const ANALYTICS_MIGRATIONS: MigrationSet = {
  namespace: 'analytics',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

export const HOUR_MS = 3_600_000;
/** Minute rows answer queries for this long; older hours come from the hourly rollup. */
export const MINUTE_SERIES_SPAN_MS = 24 * HOUR_MS;
/** Minute rows are kept a little longer than they are read, so every hour is rolled up from complete minutes. */
export const MINUTE_RETENTION_MS = 26 * HOUR_MS;
export const HOUR_RETENTION_MS = 90 * 24 * HOUR_MS;

const SUM_COLUMNS =
  'reports, window_ms, connected_ms, latency_count, latency_sum_ms, latency_samples, messages, reconnects, ' +
  'sync_attempts, sync_failures, conflicts, users_max, subscriptions_max';

interface SumsRow extends SqlRow {
  bucket_ms: unknown;
  tenant: string;
  reports: unknown;
  window_ms: unknown;
  connected_ms: unknown;
  latency_count: unknown;
  latency_sum_ms: unknown;
  latency_samples: number[] | string;
  messages: unknown;
  reconnects: unknown;
  sync_attempts: unknown;
  sync_failures: unknown;
  conflicts: unknown;
  users_max: unknown;
  subscriptions_max: unknown;
}

/**
 * The R16 time series in PostgreSQL / PGlite: nodes add their minute deltas to their own rows; hours are
 * rolled up (idempotently, by recomputing) from the minutes of every node; series are read per tenant
 * at 1-minute resolution for the last day and hourly for 90 days.
 */
export class AnalyticsStore {
  constructor(private readonly sql: SqlClient) {}

  /** Adds this node's deltas to its minute rows (one statement). */
  async addMinutes(node: string, deltas: readonly MinuteDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const columns = sumsColumns(deltas.map((delta) => delta.sums));
    await this.sql.query(
      `INSERT INTO analytics_minutes (bucket_ms, tenant, node, ${SUM_COLUMNS})
       SELECT bucket_ms, tenant, $3, reports, window_ms, connected_ms, latency_count, latency_sum_ms,
              latency_samples::jsonb, messages, reconnects, sync_attempts, sync_failures, conflicts, users_max,
              subscriptions_max
       FROM unnest($1::bigint[], $2::text[], $4::int[], $5::bigint[], $6::bigint[], $7::int[],
                   $8::float8[], $9::text[], $10::bigint[], $11::int[], $12::int[], $13::int[], $14::int[],
                   $15::int[], $16::int[])
         AS d(bucket_ms, tenant, reports, window_ms, connected_ms, latency_count, latency_sum_ms, latency_samples,
              messages, reconnects, sync_attempts, sync_failures, conflicts, users_max, subscriptions_max)
       ON CONFLICT (tenant, bucket_ms, node) DO UPDATE SET
         reports = analytics_minutes.reports + excluded.reports,
         window_ms = analytics_minutes.window_ms + excluded.window_ms,
         connected_ms = analytics_minutes.connected_ms + excluded.connected_ms,
         latency_count = analytics_minutes.latency_count + excluded.latency_count,
         latency_sum_ms = analytics_minutes.latency_sum_ms + excluded.latency_sum_ms,
         latency_samples = analytics_minutes.latency_samples || excluded.latency_samples,
         messages = analytics_minutes.messages + excluded.messages,
         reconnects = analytics_minutes.reconnects + excluded.reconnects,
         sync_attempts = analytics_minutes.sync_attempts + excluded.sync_attempts,
         sync_failures = analytics_minutes.sync_failures + excluded.sync_failures,
         conflicts = analytics_minutes.conflicts + excluded.conflicts,
         users_max = GREATEST(analytics_minutes.users_max, excluded.users_max),
         subscriptions_max = GREATEST(analytics_minutes.subscriptions_max, excluded.subscriptions_max)`,
      [deltas.map((delta) => delta.bucketMs), deltas.map((delta) => delta.tenant), node, ...columns],
    );
  }

  /** Recomputes the hour rows of every tenant for the hours in `[fromMs, toMs)` from the minute rows. */
  async rollupHours(fromMs: number, toMs: number): Promise<number> {
    const rows = await this.sql.query<SumsRow>(
      `SELECT bucket_ms, tenant, ${SUM_COLUMNS} FROM analytics_minutes WHERE bucket_ms >= $1 AND bucket_ms < $2`,
      [hourOf(fromMs), toMs],
    );
    const hours = new Map<string, { bucketMs: number; tenant: string; minutes: Map<number, BucketSums> }>();
    for (const row of rows) {
      const bucketMs = Number(row.bucket_ms);
      const hourMs = hourOf(bucketMs);
      const id = `${hourMs}\u0000${row.tenant}`;
      let hour = hours.get(id);
      if (!hour) {
        hour = { bucketMs: hourMs, tenant: row.tenant, minutes: new Map() };
        hours.set(id, hour);
      }
      mergeInto(hour.minutes, bucketMs, rowSums(row));
    }
    const rolled = [...hours.values()].map((hour) => {
      const sums = emptySums();
      for (const minute of hour.minutes.values()) mergeSums(sums, minute, 'max');
      sums.latencySamples = thinSamples(sums.latencySamples);
      return { bucketMs: hour.bucketMs, tenant: hour.tenant, sums };
    });
    if (rolled.length === 0) return 0;
    await this.sql.query(
      `INSERT INTO analytics_hours (bucket_ms, tenant, ${SUM_COLUMNS})
       SELECT bucket_ms, tenant, reports, window_ms, connected_ms, latency_count, latency_sum_ms,
              latency_samples::jsonb, messages, reconnects, sync_attempts, sync_failures, conflicts, users_max,
              subscriptions_max
       FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::int[], $7::float8[],
                   $8::text[], $9::bigint[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[])
         AS h(bucket_ms, tenant, reports, window_ms, connected_ms, latency_count, latency_sum_ms, latency_samples,
              messages, reconnects, sync_attempts, sync_failures, conflicts, users_max, subscriptions_max)
       ON CONFLICT (tenant, bucket_ms) DO UPDATE SET
         reports = excluded.reports, window_ms = excluded.window_ms, connected_ms = excluded.connected_ms,
         latency_count = excluded.latency_count, latency_sum_ms = excluded.latency_sum_ms,
         latency_samples = excluded.latency_samples, messages = excluded.messages,
         reconnects = excluded.reconnects, sync_attempts = excluded.sync_attempts,
         sync_failures = excluded.sync_failures, conflicts = excluded.conflicts, users_max = excluded.users_max,
         subscriptions_max = excluded.subscriptions_max`,
      [
        rolled.map((hour) => hour.bucketMs),
        rolled.map((hour) => hour.tenant),
        ...sumsColumns(rolled.map((hour) => hour.sums)),
      ],
    );
    return rolled.length;
  }

  /**
   * One point per bucket of `[fromMs, toMs)` (buckets without data are zero/null points). Minute
   * resolution reads the minute rows; hourly reads the rollup, except for the last day, which it
   * computes from the minute rows (so the current hour is included).
   */
  async series(
    tenant: string,
    fromMs: number,
    toMs: number,
    resolution: AnalyticsResolution,
    nowMs: number,
  ): Promise<AnalyticsPoint[]> {
    const bucketMs = resolution === 'minute' ? MINUTE_MS : HOUR_MS;
    const start = Math.floor(fromMs / bucketMs) * bucketMs;
    const byBucket = new Map<number, BucketSums>();
    const minuteFloor = resolution === 'minute' ? start : Math.max(start, hourOf(nowMs - MINUTE_SERIES_SPAN_MS));
    const minuteRows = await this.sql.query<SumsRow>(
      `SELECT bucket_ms, tenant, ${SUM_COLUMNS} FROM analytics_minutes
       WHERE tenant = $1 AND bucket_ms >= $2 AND bucket_ms < $3`,
      [tenant, minuteFloor, toMs],
    );
    const minutes = new Map<number, BucketSums>();
    for (const row of minuteRows) mergeInto(minutes, Number(row.bucket_ms), rowSums(row));
    for (const [minuteMs, sums] of minutes) {
      const bucket = Math.floor(minuteMs / bucketMs) * bucketMs;
      if (resolution === 'minute') byBucket.set(bucket, sums);
      else mergeInto(byBucket, bucket, sums, 'max');
    }
    if (resolution === 'hour' && minuteFloor > start) {
      const hourRows = await this.sql.query<SumsRow>(
        `SELECT bucket_ms, tenant, ${SUM_COLUMNS} FROM analytics_hours
         WHERE tenant = $1 AND bucket_ms >= $2 AND bucket_ms < $3`,
        [tenant, start, minuteFloor],
      );
      for (const row of hourRows) byBucket.set(Number(row.bucket_ms), rowSums(row));
    }
    const points: AnalyticsPoint[] = [];
    for (let at = start; at < toMs; at += bucketMs) points.push(toPoint(at, bucketMs, byBucket.get(at) ?? emptySums()));
    return points;
  }

  async prune(nowMs: number): Promise<void> {
    await this.sql.query('DELETE FROM analytics_minutes WHERE bucket_ms < $1', [nowMs - MINUTE_RETENTION_MS]);
    await this.sql.query('DELETE FROM analytics_hours WHERE bucket_ms < $1', [nowMs - HOUR_RETENTION_MS]);
  }
}

export function hourOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

/** Rows of one moment from several nodes add up (`sum`); `max` merges successive moments. */
function mergeInto(
  buckets: Map<number, BucketSums>,
  bucketMs: number,
  sums: BucketSums,
  concurrent: 'sum' | 'max' = 'sum',
) {
  const into = buckets.get(bucketMs);
  if (into) mergeSums(into, sums, concurrent);
  else buckets.set(bucketMs, { ...sums, latencySamples: [...sums.latencySamples] });
}

function rowSums(row: SumsRow): BucketSums {
  const samples = typeof row.latency_samples === 'string' ? JSON.parse(row.latency_samples) : row.latency_samples;
  return {
    reports: Number(row.reports),
    windowMs: Number(row.window_ms),
    connectedMs: Number(row.connected_ms),
    latencyCount: Number(row.latency_count),
    latencySumMs: Number(row.latency_sum_ms),
    latencySamples: Array.isArray(samples) ? samples.map(Number) : [],
    messages: Number(row.messages),
    reconnects: Number(row.reconnects),
    syncAttempts: Number(row.sync_attempts),
    syncFailures: Number(row.sync_failures),
    conflicts: Number(row.conflicts),
    usersMax: Number(row.users_max),
    subscriptionsMax: Number(row.subscriptions_max),
  };
}

/** The sum columns as parallel arrays, in SUM_COLUMNS order. */
function sumsColumns(all: readonly BucketSums[]): unknown[][] {
  return [
    all.map((sums) => sums.reports),
    all.map((sums) => sums.windowMs),
    all.map((sums) => sums.connectedMs),
    all.map((sums) => sums.latencyCount),
    all.map((sums) => sums.latencySumMs),
    all.map((sums) => JSON.stringify(sums.latencySamples)),
    all.map((sums) => sums.messages),
    all.map((sums) => sums.reconnects),
    all.map((sums) => sums.syncAttempts),
    all.map((sums) => sums.syncFailures),
    all.map((sums) => sums.conflicts),
    all.map((sums) => sums.usersMax),
    all.map((sums) => sums.subscriptionsMax),
  ];
}
