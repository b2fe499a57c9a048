import type { RecordView } from '@wedsync/client';
import { useQuery, useRecordStore } from '@wedsync/react';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import { recordTopic, weddingsToBind } from './record-topic.ts';
import { useSupplierScope } from './supplier-context.tsx';
import { useBoundWeddings } from './use-bound-topics.ts';
import { useLiveRecords } from './use-live-records.ts';

/** R12.1: text is saved 500 ms after typing stops. */
const TEXT_DEBOUNCE_MS = 500;

/**
 * Shared team notes (R10.1): the supplier's notes — team-only ones and those about a client, shared
 * with the couple — live from the record store. The body is a `text` field merged by OT on the server (R4.2), so two people typing in one
 * note both keep their words; each edit is saved 500 ms after typing stops.
 */
export function TeamNotes({ disabled }: { disabled: boolean }) {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const toast = useToast();
  const id = useId();
  const records = useLiveRecords('notes');
  const weddings = useQuery('weddings');
  const [openId, setOpenId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const notes = useMemo(
    () =>
      records
        .filter((note) => note.fields.supplierId === scope.supplierId)
        .sort((a, b) => String(a.fields.title ?? '').localeCompare(String(b.fields.title ?? ''))),
    [records, scope.supplierId],
  );
  const open = notes.find((note) => note.id === openId);
  useBoundWeddings(weddingsToBind(notes), scope.user.id);
  const clientOf = (note: RecordView) =>
    typeof note.fields.weddingId === 'string'
      ? String(weddings.find((wedding) => wedding.id === note.fields.weddingId)?.fields.title ?? '')
      : '';

  const create = (event: FormEvent) => {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    const noteId = `note-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      store.create(
        'notes',
        noteId,
        { supplierId: scope.supplierId, title: text, body: '', teamOnly: true },
        { topic: scope.primaryTopic },
      );
      setTitle('');
      setOpenId(noteId);
    } catch (error) {
      toast({ tone: 'error', message: `Note not created: ${(error as Error).message}` });
    }
  };

  return (
    <section className="team-notes" aria-label="Shared notes">
      <h2 className="ws-section-title">Shared notes</h2>
      <ul className="team-notes__list">
        {notes.length === 0 ? <li className="ws-muted">No team notes yet.</li> : null}
        {notes.map((note) => (
          <li key={note.id}>
            <button
              type="button"
              className="team-notes__item"
              aria-current={note.id === openId ? 'true' : undefined}
              onClick={() => setOpenId(note.id === openId ? null : note.id)}
            >
              <strong>{String(note.fields.title ?? 'Untitled')}</strong>
              {clientOf(note) ? (
                <span className="ws-muted">
                  {clientOf(note)}
                  {note.fields.teamOnly === true ? ' · team only' : ' · shared with the couple'}
                </span>
              ) : null}
              <span className="ws-muted team-notes__excerpt">{String(note.fields.body ?? '').slice(0, 80)}</span>
            </button>
          </li>
        ))}
      </ul>
      {open ? <NoteEditor key={open.id} note={open} disabled={disabled} /> : null}
      {disabled ? null : (
        <form className="team-notes__form" aria-label="New note" onSubmit={create}>
          <label htmlFor={`${id}-title`} className="ws-visually-hidden">
            New note title
          </label>
          <input
            id={`${id}-title`}
            className="ws-input"
            placeholder="New note title…"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <button type="submit" className="ws-button" disabled={!title.trim()}>
            Add note
          </button>
        </form>
      )}
    </section>
  );
}

function NoteEditor({ note, disabled }: { note: RecordView; disabled: boolean }) {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const [draft, setDraft] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestDraft = useRef<string | null>(null);
  const noteTitle = String(note.fields.title ?? 'Untitled');
  const body = String(note.fields.body ?? '');

  const flush = () => {
    clearTimeout(timer.current);
    const text = latestDraft.current;
    latestDraft.current = null;
    if (text === null) return;
    store.editText('notes', note.id, 'body', text, { topic: recordTopic(note.fields, scope.primaryTopic) });
    setDraft(null);
  };
  // Leaving the note saves what was typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: flush reads refs only; run on unmount.
  useEffect(() => () => flush(), []);

  return (
    <div className="team-notes__editor">
      <label htmlFor={`note-${note.id}`}>{noteTitle}</label>
      <textarea
        id={`note-${note.id}`}
        className="ws-input team-notes__body"
        rows={6}
        value={draft ?? body}
        readOnly={disabled}
        onChange={(event) => {
          latestDraft.current = event.target.value;
          setDraft(event.target.value);
          clearTimeout(timer.current);
          timer.current = setTimeout(flush, TEXT_DEBOUNCE_MS);
        }}
        onBlur={flush}
      />
      <p className="ws-muted" aria-live="polite">
        {note.pendingFields.length > 0 || draft !== null ? 'Saving…' : note.v > 0 ? 'Saved' : 'Waiting to sync'}
      </p>
    </div>
  );
}
