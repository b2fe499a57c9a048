import { useEffect, useRef } from 'react';
import type { ConnectionStateName, ConnectionTone } from './connection/connection-appearance.ts';
import { formatCountdown, formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface ConnectionDetailsProps {
  id?: string;
  label: string;
  tone: ConnectionTone;
  state: ConnectionStateName;
  reason: string | null;
  attempt: number;
  nextRetryAtMs: number | null;
  latencyMs: number | null;
  slowLatencyMs: number;
  lastSyncedAtMs: number | null;
  queuedChanges: number;
  channels: readonly string[];
  /** R15.1 transport of the current (or last) link; null when unknown. */
  transport?: 'websocket' | 'longpoll' | null;
  onReconnect?: (() => void) | undefined;
  onClose: () => void;
}

/** The details popover of the connection indicator (R1.6): state, latency, last synced, queue, channels. */
export function ConnectionDetails(props: ConnectionDetailsProps) {
  const nowMs = useNow(1000);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const headingId = `${props.id ?? 'ws-conn'}-heading`;
  const slow = props.latencyMs != null && props.latencyMs > props.slowLatencyMs;

  return (
    <div id={props.id} role="dialog" aria-labelledby={headingId} className="ws-popover ws-conn__details">
      <div className="ws-popover__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="ws-popover__title">
          Connection
        </h2>
        <button type="button" className="ws-icon-button" aria-label="Close connection details" onClick={props.onClose}>
          ×
        </button>
      </div>
      <dl className="ws-conn__facts">
        <dt>State</dt>
        <dd>
          <span className="ws-conn__dot" data-tone={props.tone} aria-hidden="true" /> {props.label}
          {props.state !== props.label.toLowerCase() ? <span className="ws-muted"> ({props.state})</span> : null}
        </dd>
        {props.reason ? (
          <>
            <dt>Reason</dt>
            <dd>{props.reason}</dd>
          </>
        ) : null}
        {props.nextRetryAtMs != null && (props.state === 'reconnecting' || props.state === 'error') ? (
          <>
            <dt>Next retry</dt>
            <dd>in {formatCountdown(props.nextRetryAtMs - nowMs)}</dd>
          </>
        ) : null}
        {props.transport ? (
          <>
            <dt>Transport</dt>
            <dd>{props.transport === 'longpoll' ? 'HTTP long-poll (fallback; WebSocket is retried)' : 'WebSocket'}</dd>
          </>
        ) : null}
        <dt>Latency</dt>
        <dd data-slow={slow || undefined}>
          {props.latencyMs == null ? 'not measured yet' : `${Math.round(props.latencyMs)} ms`}
          {slow ? ' (slow)' : null}
        </dd>
        <dt>Last synced</dt>
        <dd>{props.lastSyncedAtMs == null ? 'never' : formatRelativeTime(props.lastSyncedAtMs, nowMs)}</dd>
        <dt>Queued changes</dt>
        <dd>{props.queuedChanges === 0 ? 'none' : props.queuedChanges}</dd>
        <dt>Channels ({props.channels.length})</dt>
        <dd>
          {props.channels.length === 0 ? (
            'none'
          ) : (
            <ul className="ws-conn__channels">
              {props.channels.map((topic) => (
                <li key={topic}>
                  <code>{topic}</code>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {props.onReconnect ? (
        <button type="button" className="ws-button ws-button--primary" onClick={props.onReconnect}>
          Reconnect now
        </button>
      ) : null}
    </div>
  );
}
