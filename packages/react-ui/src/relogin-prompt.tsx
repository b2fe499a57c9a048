import { ModalDialog } from './dialog/modal-dialog.tsx';

export interface ReloginPromptProps {
  /** Error code or text from the SDK, e.g. "TOKEN_EXPIRED". */
  reason?: string | null;
  onLogin: () => void;
}

/** Auth failure → re-login prompt (R15.1). Must act: no dismiss without logging in again. */
export function ReloginPrompt({ reason, onLogin }: ReloginPromptProps) {
  return (
    <ModalDialog
      title="Please log in again"
      description={
        <p>
          Your session has ended{reason ? ` (${reason})` : ''}. Your unsynced changes are kept on this device and will
          sync after you log in.
        </p>
      }
    >
      <div className="ws-row">
        <button type="button" className="ws-button ws-button--primary" onClick={onLogin}>
          Log in again
        </button>
      </div>
    </ModalDialog>
  );
}
