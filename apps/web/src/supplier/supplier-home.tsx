import { ActivityFeed, AnimatedMetric, ClientList, LiveSectionOverlay } from '@wedsync/react-ui';
import { useSyncOverview } from '../layout/use-sync-overview.ts';

/**
 * The supplier's home: live metrics (R6.2), activity feed (R6.1), client list (R7) and journeys (R8).
 * The record store feeds these sections once it lands; until then they show their empty states.
 */
export function SupplierHome({ userName }: { userName: string }) {
  const sync = useSyncOverview();
  const firstName = userName.split(' ')[0] ?? userName;
  return (
    <div className="page">
      <div className="page__intro">
        <h1 className="page__title">Good to see you, {firstName}</h1>
        <p className="ws-muted">Everything below updates live as your couples and team make changes.</p>
      </div>
      <section className="metrics-grid" aria-label="Today at a glance">
        <AnimatedMetric label="Active clients" value={0} />
        <AnimatedMetric label="Forms completed today" value={0} />
        <AnimatedMetric
          label="Revenue this month"
          value={0}
          format={(value) => `£${Math.round(value).toLocaleString()}`}
        />
        <AnimatedMetric label="Team active now" value={0} />
        <AnimatedMetric label="Avg. response time" value={0} format={(value) => `${Math.round(value)} min`} />
      </section>
      <div className="page__columns">
        <div className="card">
          <LiveSectionOverlay
            label="Activity"
            offline={sync.offline}
            lastSyncedAtMs={sync.lastSyncedAtMs}
            queuedChanges={sync.queuedChanges}
          >
            <ActivityFeed items={[]} />
          </LiveSectionOverlay>
        </div>
        <div className="card">
          <LiveSectionOverlay
            label="Clients"
            offline={sync.offline}
            lastSyncedAtMs={sync.lastSyncedAtMs}
            queuedChanges={sync.queuedChanges}
          >
            <ClientList clients={[]} />
          </LiveSectionOverlay>
        </div>
      </div>
    </div>
  );
}
