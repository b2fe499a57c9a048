import type { ReactNode } from 'react';
import { type SyncProgress, SyncProgressBar } from './sync-progress-bar.tsx';
import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface LiveSectionOverlayProps {
  /** Name of the live section, used for its landmark ("Activity", "Team chat"). */
  label: string;
  offline: boolean;
  lastSyncedAtMs?: number | null;
  queuedChanges?: number;
  syncProgress?: SyncProgress | null;
  /** Offered once back online with queued changes. */
  onSync?: () => void;
  children: ReactNode;
}

/**
 * Wraps a real-time section (R11.3). Offline: a grey overlay with "Last synced: 2 minutes ago" (kept
 * current), the queue count badge, and the section's controls disabled (`inert`) because they only
 * work live. Back online with a queue: a sync button and progress until it drains.
 */
export function LiveSectionOverlay(props: LiveSectionOverlayProps) {
  const { offline, queuedChanges = 0, syncProgress } = props;
  const nowMs = useNow(15_000, offline);
  const showOverlay = offline || syncProgress != null;
  return (
    <section className="ws-live-section" aria-label={props.label} data-offline={offline || undefined}>
      <div className="ws-live-section__content" inert={offline} aria-disabled={offline || undefined}>
        {props.children}
      </div>
      {showOverlay ? (
        <div className="ws-live-section__overlay" role="status" aria-live="polite">
          <div className="ws-live-section__card">
            <strong>{offline ? `${props.label} is paused while offline` : 'Syncing…'}</strong>
            <span>
              Last synced: {props.lastSyncedAtMs == null ? 'never' : formatRelativeTime(props.lastSyncedAtMs, nowMs)}
            </span>
            {queuedChanges > 0 ? (
              <span className="ws-badge">
                {queuedChanges} {queuedChanges === 1 ? 'change' : 'changes'} queued
              </span>
            ) : null}
            {syncProgress ? <SyncProgressBar progress={syncProgress} /> : null}
          </div>
        </div>
      ) : !offline && queuedChanges > 0 && props.onSync ? (
        <div className="ws-live-section__syncbar">
          <span className="ws-badge">{queuedChanges} queued</span>
          <button type="button" className="ws-button ws-button--primary" onClick={props.onSync}>
            Sync now
          </button>
        </div>
      ) : null}
    </section>
  );
}
