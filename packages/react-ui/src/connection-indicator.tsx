import { useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  type ConnectionStateName,
  DEFAULT_SLOW_LATENCY_MS,
  describeConnection,
} from './connection/connection-appearance.ts';
import { ConnectionDetails } from './connection-details.tsx';

export interface ConnectionIndicatorProps {
  state: ConnectionStateName;
  /** Why the link is not connected (from the SDK status), shown in the details. */
  reason?: string | null;
  attempt?: number;
  nextRetryAtMs?: number | null;
  latencyMs?: number | null;
  /** Latency above this reads as slow (yellow); default 1,000 ms. */
  slowLatencyMs?: number;
  lastSyncedAtMs?: number | null;
  queuedChanges?: number;
  channels?: readonly string[];
  /** The SDK's transport (`ClientStatus.transport`, R15.1): `longpoll` shows that the link runs on the HTTP fallback. */
  transport?: 'websocket' | 'longpoll';
  /** Manual reconnect (details button) and the retry button shown in the error state. */
  onReconnect?: () => void;
}

/**
 * The connection indicator of R1.6, top-right of every dashboard: a status region whose accessible
 * name includes the state ("Connection: reconnecting (attempt 2)"), a pill that opens the details
 * popover, and a retry button in the error state.
 */
export function ConnectionIndicator(props: ConnectionIndicatorProps) {
  const { state, latencyMs, attempt, onReconnect } = props;
  const slowLatencyMs = props.slowLatencyMs ?? DEFAULT_SLOW_LATENCY_MS;
  const look = describeConnection({ state, latencyMs: latencyMs ?? null, attempt: attempt ?? 0, slowLatencyMs });
  const [open, setOpen] = useState(false);
  const popoverId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) triggerRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) close(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close(true);
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open, close]);

  const statusName = `Connection: ${look.label.toLowerCase()}`;
  // R15.1: the status name keeps the state alone; the fallback is told in the pill and the details.
  const fallback = props.transport === 'longpoll';
  return (
    <div
      ref={rootRef}
      className="ws-conn"
      data-tone={look.tone}
      data-state={state}
      data-pulsing={look.pulsing || undefined}
    >
      <div role="status" aria-live="polite" aria-label={statusName} className="ws-conn__status">
        <button
          ref={triggerRef}
          type="button"
          className="ws-conn__pill"
          aria-haspopup="dialog"
          aria-expanded={open}
          aria-controls={open ? popoverId : undefined}
          aria-label={`Connection details: ${look.label}${fallback ? ' (HTTP fallback)' : ''}`}
          onClick={() => setOpen((value) => !value)}
        >
          <span className="ws-conn__dot" aria-hidden="true" />
          <span className="ws-conn__label">{look.label}</span>
          {fallback ? <span className="ws-conn__transport">HTTP fallback</span> : null}
        </button>
        {look.showRetry && onReconnect ? (
          <button type="button" className="ws-button ws-button--danger ws-conn__retry" onClick={onReconnect}>
            Retry
          </button>
        ) : null}
      </div>
      {open ? (
        <ConnectionDetails
          id={popoverId}
          label={look.label}
          tone={look.tone}
          state={state}
          reason={props.reason ?? null}
          attempt={attempt ?? 0}
          nextRetryAtMs={props.nextRetryAtMs ?? null}
          latencyMs={latencyMs ?? null}
          slowLatencyMs={slowLatencyMs}
          lastSyncedAtMs={props.lastSyncedAtMs ?? null}
          queuedChanges={props.queuedChanges ?? 0}
          channels={props.channels ?? []}
          transport={props.transport ?? null}
          onReconnect={onReconnect}
          onClose={() => close(true)}
        />
      ) : null}
    </div>
  );
}
