import type { AnalyticsPoint, TelemetryReport } from '@wedsync/protocol';

/** Latency samples kept per bucket; more are thinned evenly over their sorted order (quantiles stay close). */
export const MAX_BUCKET_SAMPLES = 1_000;

/**
 * The additive figures of one time bucket of one tenant (R16.1, R16.2): sums of client reports, and the
 * highest concurrent users / subscriptions sampled. Points are derived from these, never stored.
 */
export interface BucketSums {
  reports: number;
  windowMs: number;
  connectedMs: number;
  latencyCount: number;
  latencySumMs: number;
  latencySamples: number[];
  messages: number;
  reconnects: number;
  syncAttempts: number;
  syncFailures: number;
  conflicts: number;
  usersMax: number;
  subscriptionsMax: number;
}

export function emptySums(): BucketSums {
  return {
    reports: 0,
    windowMs: 0,
    connectedMs: 0,
    latencyCount: 0,
    latencySumMs: 0,
    latencySamples: [],
    messages: 0,
    reconnects: 0,
    syncAttempts: 0,
    syncFailures: 0,
    conflicts: 0,
    usersMax: 0,
    subscriptionsMax: 0,
  };
}

export function addReport(sums: BucketSums, report: TelemetryReport): void {
  sums.reports += 1;
  sums.windowMs += report.windowMs;
  sums.connectedMs += Math.min(report.connectedMs, report.windowMs);
  sums.latencyCount += report.latencyMs.length;
  for (const sample of report.latencyMs) sums.latencySumMs += sample;
  sums.latencySamples.push(...report.latencyMs);
  sums.messages += report.messagesIn + report.messagesOut;
  sums.reconnects += report.reconnects;
  sums.syncAttempts += report.syncAttempts;
  sums.syncFailures += report.syncFailures;
  sums.conflicts += report.conflicts;
}

/**
 * Adds `more` into `into`. `concurrent`: how the maxima combine — `sum` for parts of one moment (several
 * nodes in one minute), `max` for successive moments (the minutes of an hour).
 */
export function mergeSums(into: BucketSums, more: BucketSums, concurrent: 'sum' | 'max'): void {
  into.reports += more.reports;
  into.windowMs += more.windowMs;
  into.connectedMs += more.connectedMs;
  into.latencyCount += more.latencyCount;
  into.latencySumMs += more.latencySumMs;
  into.latencySamples.push(...more.latencySamples);
  into.messages += more.messages;
  into.reconnects += more.reconnects;
  into.syncAttempts += more.syncAttempts;
  into.syncFailures += more.syncFailures;
  into.conflicts += more.conflicts;
  if (concurrent === 'sum') {
    into.usersMax += more.usersMax;
    into.subscriptionsMax += more.subscriptionsMax;
  } else {
    into.usersMax = Math.max(into.usersMax, more.usersMax);
    into.subscriptionsMax = Math.max(into.subscriptionsMax, more.subscriptionsMax);
  }
}

/** At most `max` of the samples, sorted, taken evenly over the sorted order (exact when there are fewer). */
export function thinSamples(samples: readonly number[], max = MAX_BUCKET_SAMPLES): number[] {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length <= max) return sorted;
  const step = sorted.length / max;
  return Array.from({ length: max }, (_, index) => sorted[Math.floor(index * step)] as number);
}

/** Nearest-rank percentile (0 < p ≤ 100) of the samples; null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The R16.1/R16.2 figures of one bucket of `bucketMs` length. */
export function toPoint(atMs: number, bucketMs: number, sums: BucketSums): AnalyticsPoint {
  return {
    at: new Date(atMs).toISOString(),
    reports: sums.reports,
    uptimePct: sums.windowMs > 0 ? round((100 * sums.connectedMs) / sums.windowMs) : null,
    latencyAvgMs: sums.latencyCount > 0 ? round(sums.latencySumMs / sums.latencyCount) : null,
    latencyP95Ms: percentile(sums.latencySamples, 95),
    messagesPerSecond: round(sums.messages / (bucketMs / 1_000)),
    reconnects: sums.reconnects,
    syncAttempts: sums.syncAttempts,
    syncFailures: sums.syncFailures,
    syncFailureRate: sums.syncAttempts > 0 ? round(sums.syncFailures / sums.syncAttempts, 4) : null,
    conflicts: sums.conflicts,
    concurrentUsers: sums.usersMax,
    channelSubscriptions: sums.subscriptionsMax,
  };
}
