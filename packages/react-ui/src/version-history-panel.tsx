import { useState } from 'react';
import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface VersionEntry {
  v: number;
  byName: string;
  atMs: number;
  /** Readable summary of what this version changed, e.g. "Guest count 120 → 150". */
  summary: string;
  /** Set when this version rolled back to an earlier one. */
  rollbackOf?: number;
}

export interface VersionHistoryPanelProps {
  title?: string;
  /** Newest first. */
  versions: readonly VersionEntry[];
  currentVersion: number;
  onRollback: (version: number) => void;
  /** The version whose rollback is in flight; its button shows progress. */
  pendingVersion?: number | null;
  /** Disables rollback (e.g. offline or read-only role). */
  disabled?: boolean;
}

/** Version history of a record with rollback to any version (R4.2); rollback asks to confirm. */
export function VersionHistoryPanel(props: VersionHistoryPanelProps) {
  const nowMs = useNow(30_000);
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <section className="ws-history" aria-label={props.title ?? 'Version history'}>
      <h2 className="ws-section-title">{props.title ?? 'Version history'}</h2>
      {props.versions.length === 0 ? <p className="ws-muted">No versions yet.</p> : null}
      <ol className="ws-history__list">
        {props.versions.map((entry) => {
          const current = entry.v === props.currentVersion;
          return (
            <li key={entry.v} className="ws-history__item" data-current={current || undefined}>
              <div className="ws-history__meta">
                <strong>Version {entry.v}</strong>
                {current ? <span className="ws-badge ws-badge--green">current</span> : null}
                <span className="ws-muted">
                  {entry.byName} ·{' '}
                  <time dateTime={new Date(entry.atMs).toISOString()}>{formatRelativeTime(entry.atMs, nowMs)}</time>
                </span>
              </div>
              <p className="ws-history__summary">
                {entry.rollbackOf ? `Rolled back to version ${entry.rollbackOf}. ` : null}
                {entry.summary}
              </p>
              {!current ? (
                confirming === entry.v ? (
                  <fieldset className="ws-row ws-fieldset--bare">
                    <legend className="ws-visually-hidden">Confirm rollback to version {entry.v}</legend>
                    <button
                      type="button"
                      className="ws-button ws-button--primary ws-button--small"
                      onClick={() => {
                        setConfirming(null);
                        props.onRollback(entry.v);
                      }}
                    >
                      Confirm rollback
                    </button>
                    <button type="button" className="ws-button ws-button--small" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </fieldset>
                ) : (
                  <button
                    type="button"
                    className="ws-button ws-button--small"
                    disabled={props.disabled || props.pendingVersion != null}
                    aria-busy={props.pendingVersion === entry.v || undefined}
                    onClick={() => setConfirming(entry.v)}
                  >
                    {props.pendingVersion === entry.v ? 'Rolling back…' : `Roll back to version ${entry.v}`}
                  </button>
                )
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
