import { SyncDashboard, SyncHistory } from '@wedsync/react-ui';
import type { ConnectionLogEntry } from '../diagnostics/connection-log.ts';
import { syncRatesOf, useSyncHistory } from '../sync-metrics/use-sync-history.ts';
import { useSyncMetrics } from '../sync-metrics/use-sync-metrics.ts';

/**
 * The sync performance dashboard (R16.2): the server's live figures and this device's link quality,
 * then the history every client reported (R16.1 telemetry, aggregated per minute by the server).
 */
export function SyncPage({ connectionLog, token }: { connectionLog: readonly ConnectionLogEntry[]; token: string }) {
  const { metrics, history, error } = useSyncMetrics(connectionLog);
  const analytics = useSyncHistory(token);
  const rates = syncRatesOf(analytics.points);
  return (
    <div className="page">
      <h1 className="page__title">Sync performance</h1>
      {error ? (
        <p role="status" className="ws-muted">
          Metrics unavailable: {error}
        </p>
      ) : null}
      <div className="card">
        <SyncDashboard
          metrics={
            metrics && {
              ...metrics,
              conflictRate: rates.conflictRate,
              syncFailureRate: metrics.syncFailureRate ?? rates.failureRate,
            }
          }
          history={history}
        />
      </div>
      <div className="card">
        <SyncHistory points={analytics.points} rangeLabel="last hour, per minute" error={analytics.error} />
      </div>
    </div>
  );
}
