import { useMemo } from 'react';
import { topicIds } from '../app/topic-ids.ts';
import { useNotifications } from '../app/use-notifications.ts';
import { useSharedPresence } from '../app/use-shared-presence.ts';
import { DashboardShell, type NavItem } from '../layout/dashboard-shell.tsx';
import { NotificationsPage } from '../notifications/notifications-page.tsx';
import { type OpenableHit, SearchPage } from '../search/search-page.tsx';
import type { StoredSession } from '../session/session-storage.ts';
import type { SessionClient } from '../session/use-session-client.ts';
import { CalendarPage } from './calendar-page.tsx';
import { ClientProfile } from './client-profile.tsx';
import { JourneysPage } from './journeys-page.tsx';
import { peopleOfMe, SupplierScopeProvider } from './supplier-context.tsx';
import './supplier.css';
import { SupplierHome } from './supplier-home.tsx';
import { SyncPage } from './sync-page.tsx';
import { TeamPage } from './team-page.tsx';
import { useAssignmentToasts } from './use-assignment-toasts.ts';
import { useSupplierRecords } from './use-supplier-records.ts';

const NAV: readonly NavItem[] = [
  { path: '/supplier', label: 'Dashboard' },
  { path: '/supplier/journeys', label: 'Journeys' },
  { path: '/supplier/calendar', label: 'Calendar' },
  { path: '/supplier/team', label: 'Team' },
  { path: '/supplier/search', label: 'Search' },
  { path: '/supplier/sync', label: 'Sync' },
  { path: '/supplier/notifications', label: 'Settings' },
];

export interface SupplierAppProps {
  session: StoredSession;
  live: SessionClient;
  path: string;
  navigate: (path: string) => void;
  onLogout: (notice?: string) => void;
}

/** WedSync, the supplier dashboard (R6–R10, R16.2), inside the shared shell. */
export function SupplierApp({ session, live, path, navigate, onLogout }: SupplierAppProps) {
  const ids = useMemo(() => topicIds(live.me?.primaryTopics ?? []), [live.me]);
  const people = useMemo(() => peopleOfMe(live.me), [live.me]);
  const clientId = path.startsWith('/supplier/clients/')
    ? decodeURIComponent(path.slice('/supplier/clients/'.length))
    : null;
  const page = NAV.find((item) => item.path === path) ?? NAV[0];
  const primary = useSupplierRecords(ids.supplierId);
  const teamPeople = useSharedPresence(ids.supplierId ? `supplier:${ids.supplierId}:team` : null, session.user, {
    location: clientId ? 'Client profile' : (page?.label ?? 'Dashboard'),
  });
  const notifications = useNotifications();
  const businessName =
    typeof live.me?.user.supplierName === 'string' ? live.me.user.supplierName : 'Supplier dashboard';
  const openClient = (weddingId: string) => navigate(`/supplier/clients/${encodeURIComponent(weddingId)}`);

  const content = !ids.supplierId ? (
    <div className="page">
      <p className="ws-muted" role="status">
        Loading your business…
      </p>
    </div>
  ) : (
    <SupplierScopeProvider supplierId={ids.supplierId} token={session.token} user={session.user} people={people}>
      <SupplierEffects />
      {page?.path === '/supplier/team' ? (
        <TeamPage people={teamPeople} />
      ) : page?.path === '/supplier/calendar' ? (
        <CalendarPage />
      ) : page?.path === '/supplier/journeys' ? (
        <JourneysPage />
      ) : page?.path === '/supplier/search' ? (
        <SearchPage token={session.token} onOpen={(hit) => navigate(searchHitPath(hit))} />
      ) : page?.path === '/supplier/notifications' ? (
        <NotificationsPage token={session.token} />
      ) : page?.path === '/supplier/sync' ? (
        <SyncPage connectionLog={live.connectionLog} token={session.token} />
      ) : clientId ? (
        <ClientProfile weddingId={clientId} me={session.user} team={teamPeople} />
      ) : (
        <SupplierHome primaryChannel={primary.channel} onOpenClient={openClient} />
      )}
    </SupplierScopeProvider>
  );

  return (
    <DashboardShell
      appName="WedSync"
      title={businessName}
      user={session.user}
      nav={NAV}
      currentPath={page?.path ?? '/supplier'}
      onNavigate={navigate}
      onLogout={onLogout}
      people={teamPeople}
      notifications={notifications.notifications}
      onMarkRead={notifications.markRead}
      onClearNotifications={notifications.clearAll}
      connectionLog={live.connectionLog}
    >
      {content}
    </DashboardShell>
  );
}

/** Where a search hit opens: its page for calendar, journeys and team records, else the client's profile. */
function searchHitPath(hit: OpenableHit): string {
  if (hit.c === 'meetings') return '/supplier/calendar';
  if (hit.c === 'journeys') return '/supplier/journeys';
  if (hit.weddingId) return `/supplier/clients/${encodeURIComponent(hit.weddingId)}`;
  return hit.c === 'team_chat' || hit.c === 'tasks' || hit.c === 'notes' ? '/supplier/team' : '/supplier';
}

/** App-wide reactions that need the supplier scope: the task-assignment toast (R10.1). */
function SupplierEffects() {
  useAssignmentToasts();
  return null;
}
