import { useRecordStore } from '@wedsync/react';
import { PresenceAvatars } from '@wedsync/react-ui';
import { useCallback } from 'react';
import { NoteEditor } from '../notes/note-editor.tsx';
import { noteAnswered, submitAssignment } from './answer-writes.ts';
import { FormAnswerField } from './form-answer-field.tsx';
import { FormProgressBar } from './form-progress-bar.tsx';
import { useAssignmentView } from './use-assignment-view.ts';
import './forms.css';

export interface FormFillPageProps {
  assignmentId: string;
  me: { id: string; name: string };
  nameOf: (userId: string | undefined) => string;
  onBack: () => void;
}

/**
 * WedMe: the couple fills an assigned form (R3.4): answers save as they are typed (debounced,
 * offline-queued), the partner's typing, locks and saves show live, bound fields show the wedding's
 * current core values, the supplier's notes on the form arrive at once, and submitting notifies the
 * supplier.
 */
export function FormFillPage({ assignmentId, me, nameOf, onBack }: FormFillPageProps) {
  const store = useRecordStore();
  const { data, live, marks, notes } = useAssignmentView(assignmentId, me, nameOf, 'Filling');
  const status = String(data.assignment?.fields.status ?? 'assigned');
  const submitted = status === 'submitted';
  const onSaved = useCallback(() => noteAnswered(store, assignmentId), [store, assignmentId]);

  if (!data.assignment) {
    return (
      <div className="page">
        <p role="status" className="ws-muted">
          Loading the form…
        </p>
      </div>
    );
  }
  return (
    <div className="page form-page">
      <div className="page__header-row">
        <button type="button" className="ws-button ws-button--ghost ws-button--small" onClick={onBack}>
          ← All forms
        </button>
        <h1 className="page__title">{data.title}</h1>
        <PresenceAvatars people={live.present} label="Also on this form" />
      </div>
      <div className="card">
        <FormProgressBar title={data.title} progress={data.progress} submittedAtMs={submittedAt(data.assignment)} />
        {live.fillingNames.length > 0 ? (
          <p className="ws-muted" role="status">
            {live.fillingNames.join(' and ')} {live.fillingNames.length === 1 ? 'is' : 'are'} filling this form too
          </p>
        ) : null}
        {/* Not greyed while offline: answers are queued locally and sync when the link is back (R11.1). */}
        <form
          className="form-fields"
          aria-label={data.title}
          onSubmit={(event) => {
            event.preventDefault();
            live.debouncer?.flushAll();
            submitAssignment(store, assignmentId);
          }}
        >
          {data.fields.map((spec) => (
            <FormAnswerField
              key={spec.id}
              spec={spec}
              data={data}
              assignmentId={assignmentId}
              me={me}
              editable={!submitted}
              locks={live.locks}
              typing={live.typing}
              mark={marks[spec.id]}
              debouncer={live.debouncer}
              onSaved={onSaved}
            />
          ))}
          <div className="ws-row form-fields__actions">
            <button
              type="submit"
              className="ws-button ws-button--primary"
              disabled={submitted || data.progress.missingRequired.length > 0}
            >
              {submitted ? 'Submitted' : 'Submit form'}
            </button>
            {!submitted && data.progress.missingRequired.length > 0 ? (
              <span className="ws-muted">
                Still needed: {data.progress.missingRequired.map((field) => field.label).join(', ')}
              </span>
            ) : null}
          </div>
        </form>
      </div>
      {notes.length > 0 ? (
        <section className="card" aria-label="Notes from your supplier">
          <h2 className="ws-section-title">Notes from your supplier</h2>
          {notes.map((note) => (
            <NoteEditor key={note.id} noteId={note.id} channel={data.channel} me={me} nameOf={nameOf} />
          ))}
        </section>
      ) : null}
    </div>
  );
}

function submittedAt(assignment: { fields: Record<string, unknown> } | undefined): number | null {
  const value = assignment?.fields.submittedAtMs;
  return assignment?.fields.status === 'submitted' && typeof value === 'number' ? value : null;
}
