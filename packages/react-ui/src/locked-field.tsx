import { useId } from 'react';
import { formatFieldValue } from './toast/toast-model.ts';

export interface LockedFieldProps {
  label: string;
  value: unknown;
  /** Who holds the lock (R4.1). */
  holderName: string;
  multiline?: boolean;
}

/**
 * A field someone else is editing (R4.1): read-only, showing the current value and who holds the
 * lock. The input keeps its label so screen readers announce "Guest count, read only".
 */
export function LockedField({ label, value, holderName, multiline = false }: LockedFieldProps) {
  const inputId = useId();
  const noteId = useId();
  const text = value === null || value === undefined ? '' : formatFieldValue(value);
  return (
    <div className="ws-field ws-field--locked" data-locked="true">
      <label htmlFor={inputId} className="ws-field__label">
        {label}
      </label>
      {multiline ? (
        <textarea id={inputId} className="ws-input" value={text} readOnly aria-describedby={noteId} rows={4} />
      ) : (
        <input id={inputId} className="ws-input" value={text} readOnly aria-describedby={noteId} />
      )}
      <p id={noteId} className="ws-field__lock-note">
        <LockIcon /> {holderName} is editing this field
      </p>
    </div>
  );
}

function LockIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="ws-lock-icon">
      <path
        fill="currentColor"
        d="M17 9V7a5 5 0 0 0-10 0v2H5v13h14V9h-2ZM9 7a3 3 0 0 1 6 0v2H9V7Zm4 10.7V19h-2v-1.3a2 2 0 1 1 2 0Z"
      />
    </svg>
  );
}
