import { isTokenCode } from '@wedsync/client';
import { PROTOCOL_VERSION } from '@wedsync/protocol';
import { useRealtimeClient, useRecordStore } from '@wedsync/react';
import {
  ConnectionIndicator,
  MobileTopBar,
  NotificationCenter,
  type NotificationEntry,
  OfflineBanner,
  PresenceAvatars,
  type PresencePerson,
  PullToRefresh,
  ReloginPrompt,
  ReportProblem,
} from '@wedsync/react-ui';
import { type ReactNode, useState } from 'react';
import type { ConnectionLogEntry } from '../diagnostics/connection-log.ts';
import { useMobileSync } from '../mobile/use-mobile-sync.tsx';
import { TRIGGER_LABELS } from '../notifications/bell-entries.ts';
import type { SessionUser } from '../session/session-api.ts';
import { MOBILE_QUERY, useMediaQuery } from './use-media-query.ts';
import { useSyncOverview } from './use-sync-overview.ts';

export interface NavItem {
  path: string;
  label: string;
}

export interface DashboardShellProps {
  appName: 'WedSync' | 'WedMe';
  /** The business or couple this dashboard is for. */
  title: string;
  user: SessionUser;
  nav: readonly NavItem[];
  currentPath: string;
  onNavigate: (path: string) => void;
  onLogout: (notice?: string) => void;
  people: readonly PresencePerson[];
  notifications: readonly NotificationEntry[];
  onMarkRead: (id: string, read: boolean) => void;
  onClearNotifications: () => void;
  /** Marks every notification read (R5.3), offered while some are unread. */
  onMarkAllNotificationsRead?: () => void;
  connectionLog: readonly ConnectionLogEntry[];
  children: ReactNode;
}

/**
 * The chrome of every dashboard: brand, navigation, presence, notification bell and the connection
 * indicator top-right (R1.6); the offline banner (R11.1); at phone widths the mobile top bar with data
 * usage, pull-to-refresh and the sync settings sheet (R13.2);
 * re-login on auth failure (R15.1) and "Report problem" (R15.2).
 */
export function DashboardShell(props: DashboardShellProps) {
  const client = useRealtimeClient();
  const store = useRecordStore();
  const sync = useSyncOverview();
  const mobile = useMediaQuery(MOBILE_QUERY);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const mobileSync = useMobileSync();
  const { status } = sync;
  const authFailed = status.state === 'error' && status.reason !== null && isTokenCode(status.reason);

  const collectDiagnostics = () => ({
    versions: { protocol: PROTOCOL_VERSION, app: '0.1.0' },
    user: { id: props.user.id, kind: props.user.kind },
    page: window.location.pathname,
    status,
    channels: client.channels().map((channel) => ({ topic: channel.topic, state: channel.state })),
    queue: { queuedChanges: sync.queuedChanges, failedChanges: sync.failedChanges, entries: store.outbox.entries() },
    connectionLog: props.connectionLog,
  });

  const indicator = (
    <ConnectionIndicator
      state={status.state}
      reason={status.reason}
      attempt={status.attempt}
      nextRetryAtMs={status.nextRetryAtMs}
      latencyMs={status.latencyMs}
      lastSyncedAtMs={sync.lastSyncedAtMs}
      queuedChanges={sync.queuedChanges}
      channels={sync.channels}
      transport={status.transport}
      onReconnect={() => client.reconnect()}
    />
  );
  const bell = (
    <NotificationCenter
      notifications={props.notifications}
      onMarkRead={props.onMarkRead}
      onClearAll={props.onClearNotifications}
      typeLabels={TRIGGER_LABELS}
      {...(props.onMarkAllNotificationsRead ? { onMarkAllRead: props.onMarkAllNotificationsRead } : {})}
      settingsHref={`/${props.appName === 'WedSync' ? 'supplier' : 'couple'}/settings`}
    />
  );

  return (
    <div className="shell" data-app={props.appName}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {mobile ? (
        <MobileTopBar
          title={props.title}
          state={status.state}
          latencyMs={status.latencyMs}
          attempt={status.attempt}
          lastSyncedAtMs={sync.lastSyncedAtMs}
          queuedChanges={sync.queuedChanges}
          transport={status.transport}
          dataUsageBytes={mobileSync.dataUsageBytes}
          dataUsageWarnBytes={mobileSync.dataUsageWarnBytes}
          onOpenSyncSettings={() => setSettingsOpen((open) => !open)}
          onReconnect={() => client.reconnect()}
        />
      ) : (
        <header className="shell__header">
          <div className="shell__brand">
            <span className="brand-mark" aria-hidden="true" />
            <span className="shell__app">{props.appName}</span>
            <span className="shell__title">{props.title}</span>
          </div>
          <nav className="shell__nav" aria-label="Main">
            {props.nav.map((item) => (
              <a
                key={item.path}
                href={item.path}
                className="shell__nav-link"
                aria-current={props.currentPath === item.path ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  props.onNavigate(item.path);
                }}
              >
                {item.label}
              </a>
            ))}
          </nav>
          <div className="shell__tools">
            <PresenceAvatars people={props.people} label="Online now" />
            {bell}
            <UserMenu user={props.user} onLogout={() => props.onLogout()} />
            {indicator}
          </div>
        </header>
      )}
      <OfflineBanner
        offline={sync.offline}
        queuedChanges={sync.queuedChanges}
        lastSyncedAtMs={sync.lastSyncedAtMs}
        syncProgress={sync.syncProgress}
        failedChanges={sync.failedChanges}
        onSync={() => client.reconnect()}
      />
      {mobile && settingsOpen ? (
        <div className="shell__sheet">
          {mobileSync.sheet({ lastSyncedAtMs: sync.lastSyncedAtMs, onClose: () => setSettingsOpen(false) })}
        </div>
      ) : null}
      <main id="main" className="shell__main" tabIndex={-1}>
        {mobile ? <PullToRefresh onRefresh={mobileSync.refresh}>{props.children}</PullToRefresh> : props.children}
      </main>
      {mobile ? (
        <nav className="shell__tabbar" aria-label="Main">
          {props.nav.map((item) => (
            <a
              key={item.path}
              href={item.path}
              aria-current={props.currentPath === item.path ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                props.onNavigate(item.path);
              }}
            >
              {item.label}
            </a>
          ))}
          {bell}
        </nav>
      ) : null}
      <footer className="shell__footer">
        <span className="ws-muted">
          Logged in as {props.user.name} · protocol v{PROTOCOL_VERSION}
        </span>
        <ReportProblem collectDiagnostics={collectDiagnostics} />
        {mobile ? (
          <button type="button" className="ws-button ws-button--ghost" onClick={() => props.onLogout()}>
            Log out
          </button>
        ) : null}
      </footer>
      {authFailed ? (
        <ReloginPrompt
          reason={status.reason}
          onLogin={() => props.onLogout('Your session ended. Please log in again.')}
        />
      ) : null}
    </div>
  );
}

function UserMenu({ user, onLogout }: { user: SessionUser; onLogout: () => void }) {
  return (
    <div className="user-menu">
      <span className="user-menu__name">{user.name}</span>
      <button type="button" className="ws-button ws-button--small ws-button--ghost" onClick={onLogout}>
        Log out
      </button>
    </div>
  );
}
