import type { DataUsage } from '@wedsync/client';
import { formatClockTime, SyncSettingsPanel } from '@wedsync/react-ui';
import { useId } from 'react';
import { DATA_WARNING_LEVELS_MB, type SyncPreferences } from './sync-preferences.ts';
import { formatBytes } from './use-data-usage.ts';
import './mobile.css';

export interface MobileSyncSheetProps {
  preferences: SyncPreferences;
  onChange: (next: SyncPreferences) => void;
  onClose: () => void;
  usage: DataUsage;
  lastSyncedAtMs: number | null;
  /** Why updates are reduced right now (R13.1), or null. */
  constraint: string | null;
  /** Paused channels while hidden or on a low battery, with why. */
  pauseReason: string | null;
  onSyncNow: () => void;
  syncing: boolean;
}

const CONSTRAINT_TEXT: Record<string, string> = {
  'low-data-mode': 'data saver is on',
  'save-data': "the browser's data saver is on",
  cellular: 'you are on mobile data',
  'slow-network': 'the network is slow',
};

/**
 * Sync settings on a phone (R13.2, R13.1): the preferences, the data used by live sync today and this
 * session with the warning level, the last sync time, and a "Sync now" catch-up.
 */
export function MobileSyncSheet(props: MobileSyncSheetProps) {
  const levelId = useId();
  const { preferences, usage } = props;
  const todayBytes = usage.today.sent + usage.today.received;
  const sessionBytes = usage.sessionSent + usage.sessionReceived;
  return (
    <div className="mobile-sheet">
      <SyncSettingsPanel
        settings={preferences}
        onChange={(settings) => props.onChange({ ...preferences, ...settings })}
        onClose={props.onClose}
      />
      <section className="mobile-sheet__section" aria-label="Data usage">
        <h3 className="mobile-sheet__heading">Data usage</h3>
        <p>
          Today: <strong>{formatBytes(todayBytes)}</strong> · this session: {formatBytes(sessionBytes)}
        </p>
        <label htmlFor={levelId}>Warn me above</label>{' '}
        <select
          id={levelId}
          className="ws-input mobile-sheet__select"
          value={preferences.dataWarningMb}
          onChange={(event) => props.onChange({ ...preferences, dataWarningMb: Number(event.target.value) })}
        >
          {DATA_WARNING_LEVELS_MB.map((mb) => (
            <option key={mb} value={mb}>
              {mb} MB in a session
            </option>
          ))}
        </select>
      </section>
      <section className="mobile-sheet__section" aria-label="Sync status">
        <h3 className="mobile-sheet__heading">Sync</h3>
        <p role="status">
          {props.constraint
            ? `Reduced updates: ${CONSTRAINT_TEXT[props.constraint] ?? props.constraint}.`
            : 'Live updates: every change arrives at once.'}
          {props.pauseReason ? ` Background channels paused (${props.pauseReason}).` : ''}
        </p>
        <p>
          Last synced:{' '}
          <strong>{props.lastSyncedAtMs == null ? 'not yet' : formatClockTime(props.lastSyncedAtMs)}</strong>
        </p>
        <button
          type="button"
          className="ws-button ws-button--primary"
          onClick={props.onSyncNow}
          disabled={props.syncing}
        >
          {props.syncing ? 'Syncing…' : 'Sync now'}
        </button>
      </section>
    </div>
  );
}
