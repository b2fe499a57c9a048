import type { Channel } from '@wedsync/client';
import { ActivityFeed, AnimatedMetric, ClientList, LiveSectionOverlay } from '@wedsync/react-ui';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import { firstName, useSupplierScope } from './supplier-context.tsx';
import { useActivityItems } from './use-activity-items.ts';
import { useClientSummaries } from './use-client-summaries.ts';
import { formatDurationMs, formatMoney, mainCurrency, useSupplierMetrics } from './use-supplier-metrics.ts';

export interface SupplierHomeProps {
  /** The primary channel (`supplier:{id}`), where live activity items arrive. */
  primaryChannel: Channel | null;
  onOpenClient: (weddingId: string) => void;
}

/**
 * The supplier's home (R6, R7): live metrics from the server that animate and flash on significant
 * changes, the activity feed in the server's words for this audience, and the client list with live
 * statuses — all from the primary channel bound to the record store.
 */
export function SupplierHome({ primaryChannel, onOpenClient }: SupplierHomeProps) {
  const scope = useSupplierScope();
  const sync = useSyncOverview();
  const activity = useActivityItems(primaryChannel);
  const { clients, ready: clientsReady } = useClientSummaries();
  const { metrics } = useSupplierMetrics();
  const revenue = mainCurrency(metrics?.revenueCents ?? {});
  const overlay = { offline: sync.offline, lastSyncedAtMs: sync.lastSyncedAtMs, queuedChanges: sync.queuedChanges };

  return (
    <div className="page">
      <div className="page__intro">
        <h1 className="page__title">Good to see you, {firstName(scope.user.name)}</h1>
        <p className="ws-muted">Everything below updates live as your couples and team make changes.</p>
      </div>
      <section className="metrics-grid" aria-label="Today at a glance">
        <AnimatedMetric label="Active clients" value={metrics?.activeClients ?? clients.length} />
        <AnimatedMetric label="Forms completed today" value={metrics?.formsCompletedToday ?? 0} />
        <AnimatedMetric
          label="Revenue"
          value={revenue.cents}
          format={(cents) => formatMoney(cents, revenue.currency)}
          hint="paid to date"
        />
        <AnimatedMetric label="Team activity today" value={metrics?.teamActivityToday ?? 0} />
        <AnimatedMetric
          label="Average response time"
          value={metrics?.averageResponseTimeMs ?? 0}
          format={(ms) => (metrics?.averageResponseTimeMs == null ? '—' : formatDurationMs(ms))}
          hint="to couples' messages"
        />
      </section>
      <div className="page__columns">
        <div className="card">
          <LiveSectionOverlay label="Activity" {...overlay}>
            {/* Remounted once the first list is in: what is there at load is not "new" (R6.1 highlight). */}
            <ActivityFeed key={activity.ready ? 'ready' : 'loading'} items={activity.items} />
          </LiveSectionOverlay>
        </div>
        <div className="card">
          <LiveSectionOverlay label="Clients" {...overlay}>
            <ClientList
              key={clientsReady ? 'ready' : 'loading'}
              clients={clients}
              onSelect={(client) => onOpenClient(client.id)}
            />
          </LiveSectionOverlay>
        </div>
      </div>
    </div>
  );
}
