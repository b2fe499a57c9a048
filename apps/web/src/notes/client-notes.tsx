import type { RecordView } from '@wedsync/client';
import { useQuery, useSyncedChannel } from '@wedsync/react';
import { useCallback } from 'react';
import { NoteEditor } from './note-editor.tsx';

export interface ClientNotesProps {
  weddingId: string;
  me: { id: string; name: string };
  nameOf: (userId: string | undefined) => string;
}

/**
 * WedSync client profile: the notes shared with this couple (R4.2, R10.1), edited together with the
 * couple and the team — both edits survive, carets shown, version history with rollback.
 */
export function ClientNotes({ weddingId, me, nameOf }: ClientNotesProps) {
  const { channel } = useSyncedChannel(`wedding:${weddingId}`, { presence: { key: me.id } });
  const shared = useCallback(
    (note: RecordView) =>
      note.fields.weddingId === weddingId && note.fields.teamOnly !== true && !note.fields.assignmentId,
    [weddingId],
  );
  const notes = useQuery('notes', shared);
  return (
    <section className="card client-notes" aria-label="Shared notes">
      <h2 className="ws-section-title">Shared notes</h2>
      {notes.length === 0 ? <p className="ws-muted">No notes shared with this client.</p> : null}
      {notes.map((note) => (
        <NoteEditor key={note.id} noteId={note.id} channel={channel} me={me} nameOf={nameOf} />
      ))}
    </section>
  );
}
