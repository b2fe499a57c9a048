import type { Channel } from '@wedsync/client';
import { type RemoteCursor, useCollaborativeText, useRemoteCursors } from '@wedsync/react';
import { LockedField, TypingIndicator } from '@wedsync/react-ui';
import { type ReactNode, useId, useRef } from 'react';
import './notes.css';

export interface CollaborativeTextAreaProps {
  label: string;
  /** The record and its `text` field (merged by OT, R4.2). */
  c: string;
  id: string;
  field: string;
  /** Writes the text when the default (`store.editText`) does not fit, e.g. to create a missing record. */
  commit?: (text: string) => void;
  /** The channel edits are written through (see `writeTopicOf`). */
  topic?: string;
  /** The shared channel carrying cursor broadcasts (R4.3). */
  channel: Channel | null;
  /** Document key of the cursors, e.g. `notes/{id}/body`. */
  doc: string;
  me: { id: string; name: string };
  disabled?: boolean;
  /** Read-only with the holder's name (someone holds a lock on the whole record, R10.2). */
  lockedBy?: string | null;
  typingNames?: readonly string[];
  rows?: number;
  onTyped?: () => void;
  onFocus?: () => void;
  onBlur?: () => void;
  /** Extra status under the box (pending save, last updated…). */
  footer?: ReactNode;
}

/**
 * A text area several people edit at once (R4.2, R4.3): my typing is an OT edit saved 500 ms after I
 * stop; others' edits arrive into it without losing mine or moving my caret; everyone else's caret
 * is drawn where they are, with their name. Mount with `key={id}`.
 */
export function CollaborativeTextArea(props: CollaborativeTextAreaProps) {
  const textId = useId();
  const text = useCollaborativeText(props.c, props.id, props.field, {
    ...(props.commit ? { commit: props.commit } : {}),
    ...(props.topic ? { topic: props.topic } : {}),
  });
  const cursors = useRemoteCursors(props.channel, props.doc, props.me, text.value);
  const mirror = useRef<HTMLDivElement>(null);
  const report = (target: HTMLTextAreaElement) => cursors.report(target.selectionStart, target.selectionEnd);

  if (props.lockedBy) {
    return <LockedField label={props.label} value={text.value} holderName={props.lockedBy} multiline />;
  }
  return (
    <div className="ws-field collab-text">
      <label htmlFor={textId} className="ws-field__label">
        {props.label}
      </label>
      <div className="collab-text__box">
        <div ref={mirror} className="collab-text__mirror ws-input" aria-hidden="true">
          <CursorMarks text={text.value} cursors={cursors.cursors} />
        </div>
        <textarea
          id={textId}
          ref={(element) => {
            text.inputRef.current = element;
          }}
          className="collab-text__input ws-input"
          rows={props.rows ?? 5}
          value={text.value}
          disabled={props.disabled}
          onChange={(event) => {
            text.onChange(event.target.value);
            report(event.target);
            props.onTyped?.();
          }}
          onSelect={(event) => report(event.currentTarget)}
          onFocus={(event) => {
            report(event.currentTarget);
            props.onFocus?.();
          }}
          onBlur={() => {
            text.flush();
            cursors.leave();
            props.onBlur?.();
          }}
          onScroll={(event) => {
            if (mirror.current) mirror.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      <TypingIndicator names={props.typingNames ?? []} />
      {cursors.cursors.length > 0 ? (
        <ul className="collab-text__people" aria-label={`Also in ${props.label}`}>
          {cursors.cursors.map((cursor) => (
            <li key={cursor.userId} style={{ ['--cursor-hue' as string]: hueOf(cursor.userId) }}>
              <span className="collab-text__swatch" aria-hidden="true" />
              {cursor.name} is at {describePosition(text.value, cursor.start)}
            </li>
          ))}
        </ul>
      ) : null}
      {props.footer}
    </div>
  );
}

/** The text with each other person's caret (and selection) drawn in place, for the mirror layer. */
function CursorMarks({ text, cursors }: { text: string; cursors: readonly RemoteCursor[] }) {
  const sorted = [...cursors].sort((a, b) => a.start - b.start);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const cursor of sorted) {
    const start = Math.max(at, Math.min(text.length, cursor.start));
    const end = Math.max(start, Math.min(text.length, cursor.end));
    parts.push(text.slice(at, start));
    const hue = { ['--cursor-hue' as string]: hueOf(cursor.userId) };
    parts.push(
      <span key={`c-${cursor.userId}`} className="collab-text__caret" style={hue} data-name={firstName(cursor.name)} />,
    );
    if (end > start) {
      parts.push(
        <mark key={`s-${cursor.userId}`} className="collab-text__selection" style={hue}>
          {text.slice(start, end)}
        </mark>,
      );
    }
    at = end;
  }
  parts.push(`${text.slice(at)}\u200b`);
  return <>{parts}</>;
}

/** "line 2, character 14" for screen readers and the list of people in the text. */
export function describePosition(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, character ${column}`;
}

function firstName(name: string): string {
  return name.split(' ')[0] ?? name;
}

/** A stable hue per person, so someone's caret has the same colour on every screen. */
export function hueOf(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (hash * 31 + id.charCodeAt(index)) >>> 0;
  return hash % 360;
}
