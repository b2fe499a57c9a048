import { type SyncProgress, SyncProgressBar } from './sync-progress-bar.tsx';
import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface OfflineBannerProps {
  /** True while the connection is lost (R11.1). */
  offline: boolean;
  /** Changes waiting in the local queue. */
  queuedChanges: number;
  lastSyncedAtMs?: number | null;
  /** Present while the queue is being replayed after reconnecting (R11.2). */
  syncProgress?: SyncProgress | null;
  /** Changes that failed to apply after reconnecting, to report to the user (R11.2). */
  failedChanges?: number;
  /** "Sync now", offered once back online with a non-empty queue (R11.3). */
  onSync?: () => void;
}

/**
 * The offline banner of R11.1/R11.3. Hidden while online with nothing to sync. Offline it says that
 * changes are kept on this device; back online it offers "Sync now" and shows progress.
 */
export function OfflineBanner(props: OfflineBannerProps) {
  const { offline, queuedChanges, syncProgress, failedChanges = 0 } = props;
  const nowMs = useNow(15_000, offline);
  const visible = offline || queuedChanges > 0 || syncProgress != null || failedChanges > 0;

  return (
    <div role="status" aria-live="polite" className="ws-offline-banner" data-visible={visible || undefined}>
      {visible ? (
        <div className="ws-offline-banner__inner" data-mode={offline ? 'offline' : 'syncing'}>
          <span className="ws-offline-banner__icon" aria-hidden="true">
            {offline ? '⚡' : '↻'}
          </span>
          <div className="ws-offline-banner__text">
            <strong>{offline ? 'You are offline.' : syncProgress ? 'Syncing your changes…' : 'Back online.'}</strong>{' '}
            {offline ? 'Changes are saved on this device and sync when you are back.' : null}
            {props.lastSyncedAtMs != null && offline ? (
              <span className="ws-muted"> Last synced: {formatRelativeTime(props.lastSyncedAtMs, nowMs)}.</span>
            ) : null}
            {failedChanges > 0 ? (
              <span className="ws-offline-banner__failed">
                {' '}
                {failedChanges} {failedChanges === 1 ? 'change' : 'changes'} could not be applied.
              </span>
            ) : null}
          </div>
          {queuedChanges > 0 ? (
            <span className="ws-badge">
              {queuedChanges} queued{' '}
              <span className="ws-visually-hidden">{queuedChanges === 1 ? 'change' : 'changes'}</span>
            </span>
          ) : null}
          {syncProgress ? <SyncProgressBar progress={syncProgress} /> : null}
          {!offline && !syncProgress && queuedChanges > 0 && props.onSync ? (
            <button type="button" className="ws-button ws-button--primary" onClick={props.onSync}>
              Sync now
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
