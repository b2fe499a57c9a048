import { useId, useState } from 'react';
import { ModalDialog } from './dialog/modal-dialog.tsx';

export interface ReportProblemProps {
  /** Gathers diagnostics (connection log, queue, versions…) when the user asks; must be JSON-serialisable. */
  collectDiagnostics: () => unknown | Promise<unknown>;
  /** Downloaded file name prefix; default "wedsync-diagnostics". */
  fileNamePrefix?: string;
}

/** Builds the bundle that is downloaded; exported so the exact content is testable. */
export function buildDiagnosticsBundle(description: string, diagnostics: unknown, createdAtMs: number) {
  return {
    kind: 'wedsync-diagnostics',
    formatVersion: 1,
    createdAt: new Date(createdAtMs).toISOString(),
    description,
    userAgent: typeof navigator === 'undefined' ? null : navigator.userAgent,
    diagnostics,
  };
}

/**
 * "Report problem" (R15.2): the user describes what went wrong and downloads one JSON file bundling
 * the diagnostics, to attach to a support request. Nothing leaves the device without the user.
 */
export function ReportProblem({ collectDiagnostics, fileNamePrefix = 'wedsync-diagnostics' }: ReportProblemProps) {
  const [open, setOpen] = useState(false);
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<'idle' | 'collecting' | 'done' | 'failed'>('idle');
  const descriptionId = useId();

  const download = async () => {
    setStatus('collecting');
    try {
      const createdAtMs = Date.now();
      const bundle = buildDiagnosticsBundle(description, await collectDiagnostics(), createdAtMs);
      const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `${fileNamePrefix}-${new Date(createdAtMs).toISOString().replaceAll(':', '-')}.json`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setStatus('done');
    } catch {
      setStatus('failed');
    }
  };

  return (
    <>
      <button type="button" className="ws-button ws-button--ghost" onClick={() => setOpen(true)}>
        Report problem
      </button>
      {open ? (
        <ModalDialog
          title="Report a problem"
          onClose={() => {
            setOpen(false);
            setStatus('idle');
          }}
          description={
            <p>We bundle the connection log, queued changes and app versions into one file you can send to support.</p>
          }
        >
          <label htmlFor={descriptionId} className="ws-field__label">
            What went wrong?
          </label>
          <textarea
            id={descriptionId}
            className="ws-input"
            rows={4}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <p role="status" aria-live="polite" className="ws-muted">
            {status === 'collecting'
              ? 'Collecting diagnostics…'
              : status === 'done'
                ? 'Diagnostics downloaded.'
                : status === 'failed'
                  ? 'Could not collect diagnostics.'
                  : ''}
          </p>
          <div className="ws-row">
            <button
              type="button"
              className="ws-button ws-button--primary"
              disabled={status === 'collecting'}
              onClick={() => void download()}
            >
              Download diagnostics
            </button>
            <button type="button" className="ws-button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </ModalDialog>
      ) : null}
    </>
  );
}
