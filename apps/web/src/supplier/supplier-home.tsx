import { useQuery, useSyncedChannel } from '@wedsync/react';
import {
  ActivityFeed,
  AnimatedMetric,
  ClientList,
  type ClientSummary,
  LiveSectionOverlay,
  type PresencePerson,
} from '@wedsync/react-ui';
import { useMemo } from 'react';
import { nameOf } from '../data/people-names.ts';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import type { SessionUser } from '../session/session-api.ts';
import { activityItem } from './activity-text.ts';

export interface SupplierHomeProps {
  supplierId: string | null;
  me: SessionUser;
  people: readonly PresencePerson[];
  onOpenClient: (weddingId: string) => void;
}

/**
 * The supplier's home (R6, R7): live metrics, the activity feed and the client list, from the
 * supplier's clients channel bound to the record store.
 */
export function SupplierHome({ supplierId, me, people, onOpenClient }: SupplierHomeProps) {
  const sync = useSyncOverview();
  useSyncedChannel(supplierId ? `supplier:${supplierId}:clients` : null);
  const weddings = useQuery('weddings');
  const activityRecords = useQuery('activity');
  const activity = useMemo(
    () =>
      activityRecords
        .map((record) => activityItem(record, (by) => nameOf(by, me, people)))
        .sort((a, b) => b.atMs - a.atMs),
    [activityRecords, me, people],
  );
  const clients = useMemo<ClientSummary[]>(() => {
    const lastActivityMs = new Map<string, number>();
    for (const record of activityRecords) {
      const weddingId = record.fields.weddingId;
      const atMs = record.fields.atMs;
      if (typeof weddingId === 'string' && typeof atMs === 'number')
        lastActivityMs.set(weddingId, Math.max(atMs, lastActivityMs.get(weddingId) ?? 0));
    }
    return weddings.map((wedding) => ({
      id: wedding.id,
      name: String(wedding.fields.title ?? wedding.id),
      weddingDate: typeof wedding.fields.date === 'string' ? wedding.fields.date : null,
      online: false,
      lastActiveAtMs: lastActivityMs.get(wedding.id) ?? null,
      unreadMessages: 0,
      updatedAtMs: null,
    }));
  }, [weddings, activityRecords]);
  const firstName = me.name.split(' ')[0] ?? me.name;
  const todayMs = new Date().setHours(0, 0, 0, 0);
  const formsToday = activity.filter((item) => item.kind === 'form_submitted' && item.atMs >= todayMs).length;

  return (
    <div className="page">
      <div className="page__intro">
        <h1 className="page__title">Good to see you, {firstName}</h1>
        <p className="ws-muted">Everything below updates live as your couples and team make changes.</p>
      </div>
      <section className="metrics-grid" aria-label="Today at a glance">
        <AnimatedMetric label="Clients" value={clients.length} />
        <AnimatedMetric label="Forms completed today" value={formsToday} />
        <AnimatedMetric label="Team online" value={people.filter((person) => person.status === 'active').length} />
        <AnimatedMetric label="Activity today" value={activity.filter((item) => item.atMs >= todayMs).length} />
      </section>
      <div className="page__columns">
        <div className="card">
          <LiveSectionOverlay
            label="Activity"
            offline={sync.offline}
            lastSyncedAtMs={sync.lastSyncedAtMs}
            queuedChanges={sync.queuedChanges}
          >
            <ActivityFeed items={activity} />
          </LiveSectionOverlay>
        </div>
        <div className="card">
          <LiveSectionOverlay
            label="Clients"
            offline={sync.offline}
            lastSyncedAtMs={sync.lastSyncedAtMs}
            queuedChanges={sync.queuedChanges}
          >
            <ClientList clients={clients} onSelect={(client) => onOpenClient(client.id)} />
          </LiveSectionOverlay>
        </div>
      </div>
    </div>
  );
}
