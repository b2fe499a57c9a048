import { SyncDashboard } from '@wedsync/react-ui';

/** The sync performance dashboard (R16.2); fed by the server's metrics endpoint once it is exposed to the app. */
export function SyncPage() {
  return (
    <div className="page">
      <h1 className="page__title">Sync performance</h1>
      <div className="card">
        <SyncDashboard metrics={null} history={[]} />
      </div>
    </div>
  );
}
