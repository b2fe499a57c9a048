import { type ConnectionStateName, describeConnection } from './connection/connection-appearance.ts';
import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface MobileTopBarProps {
  title: string;
  state: ConnectionStateName;
  latencyMs?: number | null;
  attempt?: number;
  lastSyncedAtMs?: number | null;
  queuedChanges?: number;
  /** The SDK's transport (R15.1): `longpoll` adds "HTTP fallback" to the sync line. */
  transport?: 'websocket' | 'longpoll';
  /** Bytes received + sent this session (R13.2 data-usage warning). */
  dataUsageBytes?: number;
  /** Warn above this many bytes; default 50 MB. */
  dataUsageWarnBytes?: number;
  onOpenSyncSettings: () => void;
  onReconnect?: () => void;
}

const MB = 1024 * 1024;

/**
 * The mobile status bar (R13.2): sync status and last-sync time always visible, queue count, a
 * data-usage warning past a threshold, and the entry to sync settings.
 */
export function MobileTopBar(props: MobileTopBarProps) {
  const look = describeConnection({
    state: props.state,
    latencyMs: props.latencyMs ?? null,
    attempt: props.attempt ?? 0,
  });
  const nowMs = useNow(15_000);
  const queued = props.queuedChanges ?? 0;
  const warnBytes = props.dataUsageWarnBytes ?? 50 * MB;
  const heavyData = (props.dataUsageBytes ?? 0) > warnBytes;
  const syncText =
    props.lastSyncedAtMs == null ? 'Not synced yet' : `Synced ${formatRelativeTime(props.lastSyncedAtMs, nowMs)}`;

  return (
    <header className="ws-mobilebar" data-tone={look.tone} data-pulsing={look.pulsing || undefined}>
      <h1 className="ws-mobilebar__title">{props.title}</h1>
      <div
        role="status"
        aria-live="polite"
        aria-label={`Connection: ${look.label.toLowerCase()}`}
        className="ws-mobilebar__status"
      >
        <span className="ws-conn__dot" aria-hidden="true" />
        <span className="ws-mobilebar__text">
          <span>{look.label}</span>
          <span className="ws-mobilebar__sync">
            {syncText}
            {queued > 0 ? ` · ${queued} queued` : ''}
            {props.transport === 'longpoll' ? ' · HTTP fallback' : ''}
          </span>
        </span>
        {look.showRetry && props.onReconnect ? (
          <button type="button" className="ws-button ws-button--small ws-button--danger" onClick={props.onReconnect}>
            Retry
          </button>
        ) : null}
      </div>
      <button type="button" className="ws-icon-button" aria-label="Sync settings" onClick={props.onOpenSyncSettings}>
        <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8Zm8.94 3a9 9 0 0 0-.2-1.5l2.1-1.6-2-3.46-2.47 1a9 9 0 0 0-2.6-1.5L15.4 1.3h-4l-.37 2.64a9 9 0 0 0-2.6 1.5l-2.47-1-2 3.46 2.1 1.6a9 9 0 0 0 0 3l-2.1 1.6 2 3.46 2.47-1a9 9 0 0 0 2.6 1.5l.37 2.64h4l.37-2.64a9 9 0 0 0 2.6-1.5l2.47 1 2-3.46-2.1-1.6c.13-.49.2-1 .2-1.5Z"
          />
        </svg>
      </button>
      {heavyData ? (
        <p className="ws-mobilebar__warning" role="status">
          High data use: {((props.dataUsageBytes ?? 0) / MB).toFixed(0)} MB this session. Consider reduced sync on
          cellular.
        </p>
      ) : null}
    </header>
  );
}
