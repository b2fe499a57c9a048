import { SyncDashboard } from '@wedsync/react-ui';
import type { ConnectionLogEntry } from '../diagnostics/connection-log.ts';
import { useSyncMetrics } from '../sync-metrics/use-sync-metrics.ts';

/** The sync performance dashboard (R16.2): the server's live figures and this device's link quality. */
export function SyncPage({ connectionLog }: { connectionLog: readonly ConnectionLogEntry[] }) {
  const { metrics, history, error } = useSyncMetrics(connectionLog);
  return (
    <div className="page">
      <h1 className="page__title">Sync performance</h1>
      {error ? (
        <p role="status" className="ws-muted">
          Metrics unavailable: {error}
        </p>
      ) : null}
      <div className="card">
        <SyncDashboard metrics={metrics} history={history} />
      </div>
    </div>
  );
}
