import type { RecordView } from '@wedsync/client';
import { useQuery, useRecordStore, useSyncedChannel } from '@wedsync/react';
import { useCallback, useId, useState } from 'react';
import { NoteEditor } from './note-editor.tsx';

export interface NotesPageProps {
  weddingId: string | null;
  me: { id: string; name: string };
  nameOf: (userId: string | undefined) => string;
  /** Connected suppliers a new note can be shared with (a wedding note names its supplier, R2.2). */
  suppliers: readonly { id: string; label: string }[];
}

/**
 * Shared notes of a wedding (R4.2, R10.1): the couple and their suppliers edit them together — both
 * edits survive, everyone's caret is shown — with version history and rollback.
 */
export function NotesPage({ weddingId, me, nameOf, suppliers }: NotesPageProps) {
  const store = useRecordStore();
  const { channel } = useSyncedChannel(weddingId ? `wedding:${weddingId}` : null, { presence: { key: me.id } });
  const ofWedding = useCallback((note: RecordView) => note.fields.weddingId === weddingId, [weddingId]);
  const notes = useQuery('notes', ofWedding);
  const [title, setTitle] = useState('');
  const [supplierId, setSupplierId] = useState('');
  const titleId = useId();
  const supplierFieldId = useId();
  const chosenSupplier = supplierId || suppliers[0]?.id || '';

  return (
    <div className="page notes-page">
      <h1 className="page__title">Shared notes</h1>
      <form
        className="card ws-row notes-page__new"
        aria-label="New note"
        onSubmit={(event) => {
          event.preventDefault();
          if (!weddingId || !chosenSupplier || !title.trim()) return;
          const id = `note-${me.id}-${Date.now().toString(36)}`;
          store.create(
            'notes',
            id,
            { weddingId, supplierId: chosenSupplier, title: title.trim(), body: '' },
            { topic: `wedding:${weddingId}` },
          );
          setTitle('');
        }}
      >
        <div className="ws-field">
          <label htmlFor={titleId} className="ws-field__label">
            New note title
          </label>
          <input id={titleId} className="ws-input" value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="ws-field">
          <label htmlFor={supplierFieldId} className="ws-field__label">
            Shared with
          </label>
          <select
            id={supplierFieldId}
            className="ws-input"
            value={chosenSupplier}
            onChange={(event) => setSupplierId(event.target.value)}
          >
            {suppliers.map((supplier) => (
              <option key={supplier.id} value={supplier.id}>
                {supplier.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="ws-button ws-button--primary" disabled={!title.trim() || !chosenSupplier}>
          Add note
        </button>
      </form>
      {notes.length === 0 ? <p className="ws-muted">No shared notes yet.</p> : null}
      {notes.map((note) => (
        <div key={note.id} className="card">
          <NoteEditor noteId={note.id} channel={channel} me={me} nameOf={nameOf} />
        </div>
      ))}
    </div>
  );
}
