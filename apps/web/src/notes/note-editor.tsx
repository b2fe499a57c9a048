import type { Channel } from '@wedsync/client';
import { useRecord, useRecordHistory } from '@wedsync/react';
import { LastUpdated, VersionHistoryPanel } from '@wedsync/react-ui';
import { fieldNameOf } from '@wedsync/wedding';
import { useMemo, useState } from 'react';
import { writeTopicOf } from '../data/write-topic.ts';
import { CollaborativeTextArea } from './collaborative-text-area.tsx';
import { versionEntries } from './version-entries.ts';

const NOTE_LABELS: Readonly<Record<string, string>> = { title: 'Title', body: 'Text' };

export interface NoteEditorProps {
  noteId: string;
  /** A channel carrying the note: cursors and version history travel on it. */
  channel: Channel | null;
  me: { id: string; name: string };
  nameOf: (userId: string | undefined) => string;
  editable?: boolean;
}

/**
 * One shared note (R4.2, R10.1): its text is edited by several people at once (both edits survive,
 * everyone's caret shown) and its version history can roll it back to any version (a new version).
 */
export function NoteEditor({ noteId, channel, me, nameOf, editable = true }: NoteEditorProps) {
  const note = useRecord('notes', noteId);
  const [historyOpen, setHistoryOpen] = useState(false);
  const history = useRecordHistory(channel, 'notes', noteId, { enabled: historyOpen, version: note?.v ?? 0 });
  const versions = useMemo(
    () =>
      versionEntries(history.entries, {
        fieldNameOf: (f) => fieldNameOf('notes', f),
        labels: NOTE_LABELS,
        format: (_field, value) => String(value ?? ''),
        nameOf,
      }),
    [history.entries, nameOf],
  );
  if (!note) return null;
  const title = typeof note.fields.title === 'string' && note.fields.title ? note.fields.title : 'Untitled note';
  const latest = history.entries[0];
  return (
    <article className="note-editor" aria-label={title}>
      <h3 className="note-editor__title">{title}</h3>
      <CollaborativeTextArea
        key={noteId}
        label={`${title} text`}
        c="notes"
        id={noteId}
        field="body"
        topic={writeTopicOf(note)}
        channel={channel}
        doc={`notes/${noteId}/body`}
        me={me}
        disabled={!editable}
        footer={
          <div className="ws-row note-editor__footer">
            {note.pendingFields.length > 0 ? <span className="ws-muted">Saving…</span> : null}
            {latest ? <LastUpdated atMs={Date.parse(latest.at)} byName={nameOf(latest.by)} /> : null}
            <button
              type="button"
              className="ws-button ws-button--small ws-button--ghost"
              aria-expanded={historyOpen}
              onClick={() => setHistoryOpen((open) => !open)}
            >
              {historyOpen ? 'Hide version history' : 'Version history'}
            </button>
          </div>
        }
      />
      {historyOpen ? (
        <>
          {history.error ? (
            <p role="alert" className="ws-muted">
              Version history is not available: {history.error}
            </p>
          ) : null}
          <VersionHistoryPanel
            title={`Versions of ${title}`}
            versions={versions}
            currentVersion={note.v}
            pendingVersion={history.rollingBack}
            disabled={!editable}
            onRollback={(version) => void history.rollback(version)}
          />
        </>
      ) : null}
    </article>
  );
}
