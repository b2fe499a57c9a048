import { useEffect, useId, useRef, useState } from 'react';
import { FieldGlow } from './field-glow.tsx';
import { LockedField } from './locked-field.tsx';
import { StaleValueWarning } from './stale-value-warning.tsx';
import { TypingIndicator } from './typing-indicator.tsx';

export type LiveFieldType = 'text' | 'number' | 'date' | 'email' | 'tel' | 'textarea';

export interface LiveFieldProps {
  label: string;
  type: LiveFieldType;
  /** The current synced value (optimistic view). */
  value: string;
  /** Changes when someone else changed the value (record version), to glow (R3.3). */
  remoteChangeKey: unknown;
  /** Who changed it remotely, for the glow's mark and the stale-value warning. */
  remoteChangedBy?: string | null;
  /** Someone else holds the field's lock (R4.1): shown read-only with their name. */
  lockedBy?: string | null;
  /** Other people typing in this field right now (R3.4). */
  typingNames?: readonly string[];
  /** The edit is saved locally and not yet confirmed by the server. */
  pending?: boolean;
  disabled?: boolean;
  /** Called with each edit; the caller debounces (R12.1) and saves. */
  onEdit: (value: string) => void;
  onFocus?: () => void;
  onBlur?: () => void;
}

/**
 * One collaboratively edited field: a labelled input that keeps the user's draft while focused,
 * glows when someone else changes it, turns read-only while someone else holds its lock, and warns
 * before overwriting a value that changed since editing began (R3.3, R3.4, R4.1).
 */
export function LiveField(props: LiveFieldProps) {
  const inputId = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [staleFrom, setStaleFrom] = useState<string | null>(null);
  const valueAtFocus = useRef<string | null>(null);

  // A remote change while I am editing: keep my draft, but warn before it overwrites theirs.
  // Untouched drafts simply follow the new value.
  useEffect(() => {
    if (draft === null || valueAtFocus.current === null || props.value === valueAtFocus.current) return;
    if (draft === valueAtFocus.current) {
      valueAtFocus.current = props.value;
      setDraft(props.value);
    } else if (props.value !== draft) setStaleFrom(props.value);
  }, [props.value, draft]);

  if (props.lockedBy) {
    return (
      <FieldGlow
        changeKey={props.remoteChangeKey}
        mark={props.remoteChangedBy ? `Updated by ${props.remoteChangedBy}` : undefined}
      >
        <LockedField
          label={props.label}
          value={props.value}
          holderName={props.lockedBy}
          multiline={props.type === 'textarea'}
        />
      </FieldGlow>
    );
  }

  const shown = draft ?? props.value;
  const common = {
    id: inputId,
    className: 'ws-input',
    value: shown,
    disabled: props.disabled,
    'aria-describedby': `${inputId}-status`,
    onFocus: () => {
      valueAtFocus.current = props.value;
      setDraft(props.value);
      props.onFocus?.();
    },
    onBlur: () => {
      if (staleFrom === null) {
        setDraft(null);
        valueAtFocus.current = null;
      }
      props.onBlur?.();
    },
  };
  const edit = (next: string) => {
    setDraft(next);
    if (staleFrom === null) props.onEdit(next);
  };

  return (
    <FieldGlow
      changeKey={props.remoteChangeKey}
      mark={props.remoteChangedBy ? `Updated by ${props.remoteChangedBy}` : undefined}
    >
      <div className="ws-field live-field" data-pending={props.pending || undefined}>
        <label htmlFor={inputId} className="ws-field__label">
          {props.label}
        </label>
        {props.type === 'textarea' ? (
          <textarea {...common} rows={4} onChange={(event) => edit(event.target.value)} />
        ) : (
          <input {...common} type={props.type} onChange={(event) => edit(event.target.value)} />
        )}
        <span id={`${inputId}-status`} className="live-field__status ws-muted">
          {props.pending ? 'Saving…' : ''}
        </span>
        <TypingIndicator names={props.typingNames ?? []} />
        {staleFrom !== null ? (
          <StaleValueWarning
            fieldLabel={props.label.toLowerCase()}
            currentValue={staleFrom}
            changedByName={props.remoteChangedBy ?? 'Someone'}
            onOverwrite={() => {
              setStaleFrom(null);
              valueAtFocus.current = staleFrom;
              if (draft !== null) props.onEdit(draft);
            }}
            onUseCurrent={() => {
              setStaleFrom(null);
              setDraft(null);
              valueAtFocus.current = null;
            }}
          />
        ) : null}
      </div>
    </FieldGlow>
  );
}
