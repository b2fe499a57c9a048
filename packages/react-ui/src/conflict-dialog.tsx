import { useId, useState } from 'react';
import { ModalDialog } from './dialog/modal-dialog.tsx';
import { formatRelativeTime } from './time/relative-time.ts';
import { formatFieldValue } from './toast/toast-model.ts';

export type ConflictChoice = { kind: 'mine' } | { kind: 'theirs' } | { kind: 'merged'; value: string };

export interface ConflictDialogProps {
  fieldLabel: string;
  /** The value both sides started from, when known. */
  base?: unknown;
  mine: unknown;
  theirs: unknown;
  theirsByName: string;
  theirsAtMs: number;
  nowMs?: number;
  onResolve: (choice: ConflictChoice) => void;
  /** Decide later; the conflict stays pending. */
  onCancel?: () => void;
}

/**
 * Manual conflict resolution (R4.2, R15.1): both versions side by side; keep mine, use theirs, or edit
 * a merged value (prefilled with both). The caller sends the chosen value as a new mutation.
 */
export function ConflictDialog(props: ConflictDialogProps) {
  const [editing, setEditing] = useState(false);
  const mineText = formatFieldValue(props.mine);
  const theirsText = formatFieldValue(props.theirs);
  const [merged, setMerged] = useState(() => mergedDraft(props.mine, props.theirs));
  const mergedId = useId();
  const when = formatRelativeTime(props.theirsAtMs, props.nowMs ?? Date.now());

  return (
    <ModalDialog
      title={`Conflicting change to ${props.fieldLabel}`}
      onClose={props.onCancel}
      className="ws-conflict"
      description={
        <p>
          {props.theirsByName} changed {props.fieldLabel} {when} while you were editing it. Choose which version to
          keep.
        </p>
      }
    >
      <div className="ws-conflict__versions">
        <section className="ws-conflict__version" aria-label="Your version">
          <h3>Your version</h3>
          <pre className="ws-conflict__value">{mineText}</pre>
          <button
            type="button"
            className="ws-button ws-button--primary"
            onClick={() => props.onResolve({ kind: 'mine' })}
          >
            Keep mine
          </button>
        </section>
        <section className="ws-conflict__version" aria-label={`${props.theirsByName}'s version`}>
          <h3>{props.theirsByName}'s version</h3>
          <pre className="ws-conflict__value">{theirsText}</pre>
          <button type="button" className="ws-button" onClick={() => props.onResolve({ kind: 'theirs' })}>
            Use theirs
          </button>
        </section>
      </div>
      {props.base !== undefined ? (
        <p className="ws-muted ws-conflict__base">Before both edits: {formatFieldValue(props.base)}</p>
      ) : null}
      {editing ? (
        <form
          className="ws-conflict__merge"
          onSubmit={(event) => {
            event.preventDefault();
            props.onResolve({ kind: 'merged', value: merged });
          }}
        >
          <label htmlFor={mergedId} className="ws-field__label">
            Merged value
          </label>
          <textarea
            id={mergedId}
            className="ws-input"
            rows={4}
            value={merged}
            onChange={(e) => setMerged(e.target.value)}
          />
          <div className="ws-row">
            <button type="submit" className="ws-button ws-button--primary">
              Save merged
            </button>
            <button type="button" className="ws-button" onClick={() => setEditing(false)}>
              Back
            </button>
          </div>
        </form>
      ) : (
        <div className="ws-row">
          <button type="button" className="ws-button" onClick={() => setEditing(true)}>
            Edit merged
          </button>
          {props.onCancel ? (
            <button type="button" className="ws-button ws-button--ghost" onClick={props.onCancel}>
              Decide later
            </button>
          ) : null}
        </div>
      )}
    </ModalDialog>
  );
}

/** Starting text for a merge: both values, mine first, unless one already contains the other. */
function mergedDraft(mine: unknown, theirs: unknown): string {
  const a = typeof mine === 'string' ? mine : formatFieldValue(mine);
  const b = typeof theirs === 'string' ? theirs : formatFieldValue(theirs);
  if (a.includes(b)) return a;
  if (b.includes(a)) return b;
  return `${a}\n${b}`;
}
