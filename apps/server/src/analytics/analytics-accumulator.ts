import type { TelemetryReport } from '@wedsync/protocol';
import { addReport, type BucketSums, emptySums, MAX_BUCKET_SAMPLES, mergeSums, thinSamples } from './bucket-sums.ts';
import type { LiveFigures } from './live-usage.ts';

export const MINUTE_MS = 60_000;
/** The tenant key of the figures over every tenant. */
export const ALL_TENANTS = '*';

export interface MinuteDelta {
  bucketMs: number;
  tenant: string;
  sums: BucketSums;
}

/**
 * This node's R16 figures before they reach the database: client reports and live samples are added to
 * the 1-minute bucket of the moment they arrive (server clock), per tenant and for `*`. `drain()`
 * hands over what was added since the last drain (the store adds it to the node's row of that minute);
 * the running totals of the current and the previous minute stay for the Prometheus gauges.
 */
export class AnalyticsAccumulator {
  private pending = new Map<string, MinuteDelta>();
  private readonly totals = new Map<number, Map<string, BucketSums>>();

  /** A report of a user counts for each of the user's tenants and once for `*`. */
  ingest(report: TelemetryReport, tenants: readonly string[], nowMs: number): void {
    const bucketMs = minuteOf(nowMs);
    for (const tenant of new Set([ALL_TENANTS, ...tenants])) {
      addReport(this.delta(bucketMs, tenant), report);
      addReport(this.total(bucketMs, tenant), report);
    }
  }

  /** Live concurrent users and subscriptions at `nowMs`: each bucket keeps the highest value seen. */
  sample(figures: ReadonlyMap<string, LiveFigures>, nowMs: number): void {
    const bucketMs = minuteOf(nowMs);
    for (const [tenant, live] of figures) {
      if (tenant !== ALL_TENANTS && live.users === 0 && live.subscriptions === 0) continue;
      for (const sums of [this.delta(bucketMs, tenant), this.total(bucketMs, tenant)]) {
        sums.usersMax = Math.max(sums.usersMax, live.users);
        sums.subscriptionsMax = Math.max(sums.subscriptionsMax, live.subscriptions);
      }
    }
  }

  /** What was added since the last drain, oldest bucket first; the pending deltas start empty again. */
  drain(): MinuteDelta[] {
    const deltas = [...this.pending.values()].sort((a, b) => a.bucketMs - b.bucketMs);
    this.pending = new Map();
    for (const delta of deltas) delta.sums.latencySamples = thinSamples(delta.sums.latencySamples);
    return deltas;
  }

  /** Put back deltas a failed write did not store, so the next flush retries them. */
  restore(deltas: readonly MinuteDelta[]): void {
    for (const delta of deltas) mergeSums(this.delta(delta.bucketMs, delta.tenant), delta.sums, 'max');
  }

  /** This node's totals of the last complete minute before `nowMs` (per tenant), or an empty map. */
  lastCompleteMinute(nowMs: number): ReadonlyMap<string, BucketSums> {
    return this.totals.get(minuteOf(nowMs) - MINUTE_MS) ?? new Map();
  }

  private delta(bucketMs: number, tenant: string): BucketSums {
    const id = key(bucketMs, tenant);
    let delta = this.pending.get(id);
    if (!delta) {
      delta = { bucketMs, tenant, sums: emptySums() };
      this.pending.set(id, delta);
    }
    return delta.sums;
  }

  private total(bucketMs: number, tenant: string): BucketSums {
    let minute = this.totals.get(bucketMs);
    if (!minute) {
      minute = new Map();
      this.totals.set(bucketMs, minute);
      for (const old of this.totals.keys()) if (old < bucketMs - MINUTE_MS) this.totals.delete(old);
    }
    let sums = minute.get(tenant);
    if (!sums) {
      sums = emptySums();
      minute.set(tenant, sums);
    }
    if (sums.latencySamples.length > 2 * MAX_BUCKET_SAMPLES) sums.latencySamples = thinSamples(sums.latencySamples);
    return sums;
  }
}

export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

function key(bucketMs: number, tenant: string): string {
  return `${bucketMs}\u0000${tenant}`;
}
