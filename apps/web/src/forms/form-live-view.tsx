import { useRecordStore } from '@wedsync/react';
import { FormFillStatus } from '@wedsync/react-ui';
import { useState } from 'react';
import { NoteEditor } from '../notes/note-editor.tsx';
import { FormAnswerField } from './form-answer-field.tsx';
import { useAssignmentView } from './use-assignment-view.ts';

export interface FormLiveViewProps {
  assignmentId: string;
  me: { id: string; name: string };
  nameOf: (userId: string | undefined) => string;
  /** The supplier's id, for notes to the couple (a wedding note names its supplier). */
  supplierId: string | null;
}

/**
 * WedSync: one client's form, live (R3.4): "Currently filling: Emma" while a partner is on it
 * (presence on `form:{id}`), completion %, each saved answer with an "Updated by" mark, "Emma is
 * typing…", fields being edited shown locked with the editor's name; the submission arrives as a
 * notification. A note on the form reaches the couple at once.
 */
export function FormLiveView({ assignmentId, me, nameOf, supplierId }: FormLiveViewProps) {
  const store = useRecordStore();
  const { data, live, marks, notes } = useAssignmentView(assignmentId, me, nameOf, 'Viewing');
  const [open, setOpen] = useState(false);
  const fields = data.assignment?.fields ?? {};
  const submittedAtMs =
    fields.status === 'submitted' && typeof fields.submittedAtMs === 'number' ? fields.submittedAtMs : null;
  const lastSavedAtMs = typeof fields.lastAnswerAtMs === 'number' ? fields.lastAnswerAtMs : null;

  return (
    <section className="form-live" aria-label={`${data.title} (live)`}>
      <FormFillStatus
        formName={data.title}
        fillingByName={live.fillingNames.length > 0 ? live.fillingNames.join(' and ') : null}
        answered={data.progress.answered}
        total={data.progress.total}
        submittedAtMs={submittedAtMs}
        lastSavedAtMs={lastSavedAtMs}
      />
      <div className="ws-row">
        <button
          type="button"
          className="ws-button ws-button--small"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
        >
          {open ? `Hide answers of ${data.title}` : `Show answers of ${data.title}`}
        </button>
        {supplierId && data.weddingId ? (
          <button
            type="button"
            className="ws-button ws-button--small ws-button--ghost"
            onClick={() => {
              setOpen(true);
              const id = `note-${assignmentId}-${Date.now().toString(36)}`;
              store.create(
                'notes',
                id,
                { weddingId: data.weddingId, supplierId, assignmentId, title: `Note on ${data.title}`, body: '' },
                { topic: `wedding:${data.weddingId}` },
              );
            }}
          >
            Add a note for the couple
          </button>
        ) : null}
      </div>
      {open ? (
        <div className="form-fields form-fields--readonly">
          {data.fields.map((spec) => (
            <FormAnswerField
              key={spec.id}
              spec={spec}
              data={data}
              assignmentId={assignmentId}
              me={me}
              editable={false}
              locks={live.locks}
              typing={live.typing}
              mark={marks[spec.id]}
              debouncer={null}
              onSaved={() => {}}
            />
          ))}
          {notes.map((note) => (
            <NoteEditor key={note.id} noteId={note.id} channel={data.channel} me={me} nameOf={nameOf} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
