import { useEffect, useRef, useState } from 'react';
import { DEFAULT_TOAST_DURATION_MS, type ToastItem } from './toast/toast-model.ts';

export interface ToastStackProps {
  toasts: readonly ToastItem[];
  onDismiss: (id: string) => void;
  /** Accessible name of the region; default "Notifications". */
  label?: string;
}

/** The toast region (R3.3, R15.2), bottom-right on desktop and top on mobile. */
export function ToastStack({ toasts, onDismiss, label = 'Notifications' }: ToastStackProps) {
  return (
    <section className="ws-toasts" aria-label={label}>
      <ol className="ws-toasts__list">
        {toasts.map((toast) => (
          <Toast key={toast.id} toast={toast} onDismiss={onDismiss} />
        ))}
      </ol>
    </section>
  );
}

/**
 * One toast. Subtle toasts dismiss after `durationMs`; the countdown pauses while hovered or
 * focused, so nobody loses a toast they are reading. Must-act toasts are alerts and never expire.
 */
export function Toast({ toast, onDismiss }: { toast: ToastItem; onDismiss: (id: string) => void }) {
  const mustAct = toast.importance === 'must-act';
  const [paused, setPaused] = useState(false);
  const remainingMs = useRef(toast.durationMs ?? DEFAULT_TOAST_DURATION_MS);

  useEffect(() => {
    if (mustAct || paused) return;
    const startedAtMs = Date.now();
    const timer = setTimeout(() => onDismiss(toast.id), remainingMs.current);
    return () => {
      clearTimeout(timer);
      remainingMs.current = Math.max(0, remainingMs.current - (Date.now() - startedAtMs));
    };
  }, [mustAct, paused, onDismiss, toast.id]);

  return (
    <li
      className="ws-toast"
      data-tone={toast.tone ?? 'info'}
      data-importance={toast.importance ?? 'subtle'}
      role={mustAct ? 'alert' : 'status'}
      aria-live={mustAct ? 'assertive' : 'polite'}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <div className="ws-toast__body">
        {toast.title ? <strong className="ws-toast__title">{toast.title}</strong> : null}
        <span className="ws-toast__message">{toast.message}</span>
      </div>
      {toast.action ? (
        <button
          type="button"
          className="ws-button ws-button--small"
          onClick={() => {
            toast.action?.onClick();
            onDismiss(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <button
        type="button"
        className="ws-icon-button"
        aria-label="Dismiss notification"
        onClick={() => onDismiss(toast.id)}
      >
        ×
      </button>
      {!mustAct ? (
        <span
          className="ws-toast__timer"
          aria-hidden="true"
          data-paused={paused || undefined}
          style={{ animationDuration: `${toast.durationMs ?? DEFAULT_TOAST_DURATION_MS}ms` }}
        />
      ) : null}
    </li>
  );
}
