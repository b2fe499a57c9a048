import type { AnalyticsPoint } from '@wedsync/protocol';
import { Sparkline } from './sparkline.tsx';

/** One bucket of the server's analytics series (R16.1), as `GET /api/analytics` answers it. */
export type SyncHistoryPoint = AnalyticsPoint;

export interface SyncHistoryProps {
  /** Oldest first. */
  points: readonly SyncHistoryPoint[];
  /** e.g. "last hour, per minute". */
  rangeLabel: string;
  /** Why the history cannot be shown (e.g. FORBIDDEN for a member who is not owner or admin). */
  error?: string | null;
}

const percent = (value: number) => `${value.toFixed(value > 0 && value < 1 ? 2 : 1)}%`;

/**
 * History graphs of the whole system (R16.2): uptime, latency, error-rate trend, conflicts, reconnects,
 * concurrent users and channel subscriptions over the analytics buckets. Buckets without client reports
 * are left out of the client-reported graphs rather than drawn as zero.
 */
export function SyncHistory({ points, rangeLabel, error }: SyncHistoryProps) {
  const reported = points.filter((point) => point.reports > 0);
  const series = (pick: (point: SyncHistoryPoint) => number | null, from: readonly SyncHistoryPoint[] = reported) =>
    from.map(pick).filter((value): value is number => value !== null);
  const attempts = points.reduce((sum, point) => sum + point.syncAttempts, 0);
  const failures = points.reduce((sum, point) => sum + point.syncFailures, 0);
  const conflicts = points.reduce((sum, point) => sum + point.conflicts, 0);
  const reports = reported.reduce((sum, point) => sum + point.reports, 0);
  return (
    <section className="ws-syncdash ws-syncdash--history" aria-label="Sync history">
      <h2 className="ws-section-title">History of all clients ({rangeLabel})</h2>
      {error ? (
        <p className="ws-muted" role="status">
          History unavailable: {error}
        </p>
      ) : (
        <>
          <p className="ws-muted" role="status">
            {reported.length === 0
              ? 'No client reports yet: clients report every 10 seconds.'
              : `${reports.toLocaleString()} client report${reports === 1 ? '' : 's'}, ` +
                `${attempts.toLocaleString()} syncs, ${failures.toLocaleString()} failed, ` +
                `${conflicts.toLocaleString()} conflicts`}
          </p>
          <div className="ws-syncdash__graphs">
            <Sparkline label="Uptime (clients)" values={series((p) => p.uptimePct)} format={percent} tone="green" />
            <Sparkline
              label="Latency p95 (clients)"
              values={series((p) => p.latencyP95Ms)}
              format={(v) => `${Math.round(v)} ms`}
              tone="yellow"
            />
            <Sparkline
              label="Sync failure rate"
              values={series((p) => (p.syncFailureRate === null ? null : p.syncFailureRate * 100))}
              format={percent}
              tone="red"
            />
            <Sparkline label="Conflicts" values={series((p) => p.conflicts, points)} tone="red" />
            <Sparkline label="Reconnects" values={series((p) => p.reconnects, points)} tone="yellow" />
            <Sparkline label="Concurrent users" values={series((p) => p.concurrentUsers, points)} />
            <Sparkline label="Channel subscriptions" values={series((p) => p.channelSubscriptions, points)} />
          </div>
        </>
      )}
    </section>
  );
}
