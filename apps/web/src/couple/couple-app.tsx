import { useMemo } from 'react';
import { topicIds } from '../app/topic-ids.ts';
import { useNotifications } from '../app/use-notifications.ts';
import { useSharedPresence } from '../app/use-shared-presence.ts';
import { DashboardShell, type NavItem } from '../layout/dashboard-shell.tsx';
import type { StoredSession } from '../session/session-storage.ts';
import type { SessionClient } from '../session/use-session-client.ts';
import { WeddingDetails } from './wedding-details.tsx';

const NAV: readonly NavItem[] = [
  { path: '/couple', label: 'Our wedding' },
  { path: '/couple/forms', label: 'Forms' },
  { path: '/couple/timeline', label: 'Timeline' },
];

export interface CoupleAppProps {
  session: StoredSession;
  live: SessionClient;
  path: string;
  navigate: (path: string) => void;
  onLogout: (notice?: string) => void;
}

/** WedMe, the couple's app (R3, R4), inside the shared shell. */
export function CoupleApp({ session, live, path, navigate, onLogout }: CoupleAppProps) {
  const ids = useMemo(() => topicIds(live.me?.topics.map((grant) => grant.topic) ?? []), [live.me]);
  const page = NAV.find((item) => item.path === path) ?? NAV[0];
  const weddingId = ids.weddingIds[0] ?? null;
  const people = useSharedPresence(weddingId ? `wedding:${weddingId}` : null, session.user, {
    location: page?.label ?? 'Our wedding',
  });
  const notifications = useNotifications();
  const title = typeof live.me?.user.coupleName === 'string' ? live.me.user.coupleName : 'Our wedding';

  return (
    <DashboardShell
      appName="WedMe"
      title={title}
      user={session.user}
      nav={NAV}
      currentPath={page?.path ?? '/couple'}
      onNavigate={navigate}
      onLogout={onLogout}
      people={people}
      notifications={notifications.notifications}
      onMarkRead={notifications.markRead}
      onClearNotifications={notifications.clearAll}
      connectionLog={live.connectionLog}
    >
      <div className="page">
        <h1 className="page__title">{page?.label ?? 'Our wedding'}</h1>
        <div className="card">
          <WeddingDetails weddingId={weddingId} me={session.user} people={people} editable />
        </div>
      </div>
    </DashboardShell>
  );
}
