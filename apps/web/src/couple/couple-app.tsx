import type { RecordView } from '@wedsync/client';
import { useQuery, useSyncedChannel } from '@wedsync/react';
import { type ReactNode, useCallback, useMemo } from 'react';
import { topicIds } from '../app/topic-ids.ts';
import { useNotifications } from '../app/use-notifications.ts';
import { useSharedPresence } from '../app/use-shared-presence.ts';
import { FormFillPage } from '../forms/form-fill-page.tsx';
import { FormsListPage } from '../forms/forms-list-page.tsx';
import { DashboardShell, type NavItem } from '../layout/dashboard-shell.tsx';
import { NotesPage } from '../notes/notes-page.tsx';
import { NotificationsPage } from '../notifications/notifications-page.tsx';
import type { StoredSession } from '../session/session-storage.ts';
import type { SessionClient } from '../session/use-session-client.ts';
import { ConflictResolver } from '../wedding/conflict-resolver.tsx';
import { supplierChoices, useNameOf } from './known-people.ts';
import { useRememberedWeddingId } from './remembered-wedding.ts';
import { WeddingDetails } from './wedding-details.tsx';

const NAV: readonly NavItem[] = [
  { path: '/couple', label: 'Our wedding' },
  { path: '/couple/forms', label: 'Forms' },
  { path: '/couple/notes', label: 'Notes' },
  { path: '/couple/timeline', label: 'Timeline' },
  { path: '/couple/notifications', label: 'Settings' },
];
const FORM_PREFIX = '/couple/forms/';

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
  const me = session.user;
  const weddingId = useRememberedWeddingId(me.id, ids.weddingIds[0] ?? null);
  // The wedding stays bound for the whole session (before any presence hook joins it), so whatever
  // was queued offline travels as soon as the link is back, whichever page is open (R11.2).
  useSyncedChannel(weddingId ? `wedding:${weddingId}` : null, { presence: { key: me.id } });
  const assignmentId = path.startsWith(FORM_PREFIX) ? decodeURIComponent(path.slice(FORM_PREFIX.length)) : null;
  const page = assignmentId ? NAV[1] : (NAV.find((item) => item.path === path) ?? NAV[0]);
  const people = useSharedPresence(weddingId ? `wedding:${weddingId}` : null, me, {
    location: page?.label ?? 'Our wedding',
  });
  const notifications = useNotifications(me);
  const nameOf = useNameOf(live.me, me);
  const ofWedding = useCallback(
    (record: RecordView) => record.fields.weddingId === weddingId && record.fields.status !== 'ended',
    [weddingId],
  );
  const connections = useQuery('connections', ofWedding);
  const suppliers = useMemo(
    () => supplierChoices([...new Set(connections.map((c) => String(c.fields.supplierId)))].sort(), live.me),
    [connections, live.me],
  );
  const title = typeof live.me?.user.coupleName === 'string' ? live.me.user.coupleName : 'Our wedding';
  const who = { id: me.id, name: me.name };

  let content: ReactNode;
  if (assignmentId) {
    content = (
      <FormFillPage assignmentId={assignmentId} me={who} nameOf={nameOf} onBack={() => navigate('/couple/forms')} />
    );
  } else if (page?.path === '/couple/forms') {
    content = (
      <FormsListPage
        weddingId={weddingId}
        me={who}
        onOpen={(id) => navigate(`${FORM_PREFIX}${encodeURIComponent(id)}`)}
      />
    );
  } else if (page?.path === '/couple/notifications') {
    content = <NotificationsPage token={session.token} />;
  } else if (page?.path === '/couple/notes') {
    content = <NotesPage weddingId={weddingId} me={who} nameOf={nameOf} suppliers={suppliers} />;
  } else {
    content = (
      <div className="page">
        <h1 className="page__title">{page?.label ?? 'Our wedding'}</h1>
        <div className="card">
          <WeddingDetails weddingId={weddingId} me={me} people={people} editable nameOf={nameOf} />
        </div>
      </div>
    );
  }

  return (
    <DashboardShell
      appName="WedMe"
      title={title}
      user={me}
      nav={NAV}
      currentPath={page?.path ?? '/couple'}
      onNavigate={navigate}
      onLogout={onLogout}
      people={people}
      notifications={notifications.notifications}
      onMarkRead={notifications.markRead}
      onClearNotifications={notifications.clearAll}
      onMarkAllNotificationsRead={notifications.markAllRead}
      connectionLog={live.connectionLog}
    >
      {content}
      <ConflictResolver nameOf={nameOf} />
    </DashboardShell>
  );
}
