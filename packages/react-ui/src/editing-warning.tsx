import { joinNames } from './presence/person-names.ts';

export interface EditingWarningProps {
  /** Names of the other people editing this record now (never the viewer). */
  editorNames: readonly string[];
  /** What "this" is, e.g. "this client"; default "this". */
  subject?: string;
}

/** "Bob is editing this" (R10.2). Renders an empty live region when nobody else edits, so it announces. */
export function EditingWarning({ editorNames, subject = 'this' }: EditingWarningProps) {
  const verb = editorNames.length === 1 ? 'is' : 'are';
  return (
    <div role="status" aria-live="polite" className="ws-editing-warning-region">
      {editorNames.length > 0 ? (
        <p className="ws-editing-warning">
          <span aria-hidden="true">✎</span> {joinNames(editorNames)} {verb} editing {subject}
        </p>
      ) : null}
    </div>
  );
}
