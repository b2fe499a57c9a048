import { formatFieldValue } from './toast/toast-model.ts';

export interface StaleValueWarningProps {
  fieldLabel: string;
  /** The value now stored, written by someone else since you began editing. */
  currentValue: unknown;
  changedByName: string;
  onOverwrite: () => void;
  onUseCurrent: () => void;
}

/**
 * R4.1: before overwriting a value that changed since you began editing, you are warned. Shown
 * inline under the field; the user overwrites or takes the current value.
 */
export function StaleValueWarning(props: StaleValueWarningProps) {
  return (
    <div role="alert" className="ws-stale-warning">
      <p>
        {props.changedByName} changed {props.fieldLabel} to “{formatFieldValue(props.currentValue)}” while you were
        editing.
      </p>
      <div className="ws-row">
        <button type="button" className="ws-button ws-button--small ws-button--danger" onClick={props.onOverwrite}>
          Overwrite with mine
        </button>
        <button type="button" className="ws-button ws-button--small" onClick={props.onUseCurrent}>
          Use their value
        </button>
      </div>
    </div>
  );
}
