import { type RefObject, useCallback, useEffect, useLayoutEffect, useReducer, useRef } from 'react';
import { useRecordStore } from '../records/record-store-context.tsx';
import { useRecord } from '../records/use-record.ts';
import { mapPosition, rebaseDraft, spliceBetween } from './text-rebase.ts';

/** R12.1: text is saved 500 ms after typing stops. */
export const TEXT_SAVE_DELAY_MS = 500;

export interface CollaborativeTextOptions {
  /** Saves the text; default `store.editText(c, id, field, text)` (an OT edit, R4.2). Use it to create a missing record. */
  commit?: (text: string) => void;
  /** Default TEXT_SAVE_DELAY_MS. */
  saveDelayMs?: number;
  /**
   * The channel the edit is written through. Default: the one the record arrived on first — give it
   * when several channels carry the record and only some accept writes of it (R2.2).
   */
  topic?: string;
}

export interface CollaborativeText {
  /** What the text box shows: my unsaved draft, rebased over everyone else's saved edits. */
  value: string;
  /** The box (textarea or input): its caret is kept in place when others' edits arrive. */
  inputRef: RefObject<HTMLTextAreaElement | HTMLInputElement | null>;
  onChange: (text: string) => void;
  /** Saves at once (blur, submit). */
  flush: () => void;
  /** I have typed something not yet handed to the store. */
  dirty: boolean;
}

interface DraftState {
  /** My unsaved text, or null while the box shows the stored text. */
  draft: string | null;
  /** The stored text the draft was made on. */
  base: string;
  /** What the box showed at the last render. */
  shown: string;
  /** A caret to restore after the box's value changed under it. */
  caret: { start: number; end: number } | null;
}

/**
 * A text field edited by several people at once (R4.2): typing is kept as a local draft and saved
 * 500 ms after it stops (R12.1) as an OT edit; when someone else's edit arrives meanwhile, the draft is
 * rebased over it (both edits survive, theirs first at a tie — the server's rule) and the caret stays
 * where it was relative to my text. Unsaved typing is saved on blur and unmount, and through the
 * store's held inputs when the page unloads or is hidden and when the store closes (R11.1). An edit of
 * a record created here and not yet confirmed is saved at once too: the store sends it after the
 * create (R11.2), so it is in the durable queue across a reload even offline.
 * One hook instance edits one record field for its lifetime: mount the editor with `key={id}`.
 */
export function useCollaborativeText(
  c: string,
  id: string | null,
  field: string,
  options: CollaborativeTextOptions = {},
): CollaborativeText {
  const store = useRecordStore();
  const record = useRecord(c, id);
  const stored = typeof record?.fields[field] === 'string' ? (record.fields[field] as string) : '';
  const inputRef = useRef<HTMLTextAreaElement | HTMLInputElement | null>(null);
  const state = useRef<DraftState>({ draft: null, base: stored, shown: stored, caret: null });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ store, c, id, field, commit: options.commit, topic: options.topic });
  latest.current = { store, c, id, field, commit: options.commit, topic: options.topic };

  // Follow the stored text. Idempotent, so a second render (StrictMode) changes nothing.
  const s = state.current;
  if (s.draft === null) {
    if (stored !== s.shown) {
      const input = inputRef.current;
      if (input && document.activeElement === input) {
        const splice = spliceBetween(s.shown, stored);
        s.caret = {
          start: mapPosition(input.selectionStart ?? 0, splice),
          end: mapPosition(input.selectionEnd ?? 0, splice),
        };
      }
      s.base = stored;
      s.shown = stored;
    }
  } else if (stored !== s.base) {
    const input = inputRef.current;
    const caret = input && document.activeElement === input ? (input.selectionStart ?? 0) : s.draft.length;
    const rebased = rebaseDraft(s.base, s.draft, stored, caret);
    s.draft = rebased.text;
    s.base = stored;
    s.shown = rebased.text;
    if (input && document.activeElement === input) s.caret = { start: rebased.caret, end: rebased.caret };
  }

  useLayoutEffect(() => {
    const caret = state.current.caret;
    const input = inputRef.current;
    if (!caret || !input) return;
    state.current.caret = null;
    input.setSelectionRange(caret.start, caret.end);
  });

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const current = state.current;
    if (current.draft === null) return;
    const text = current.draft;
    const { store: target, c: coll, id: recordId, field: name, commit, topic } = latest.current;
    current.draft = null;
    current.base = text;
    current.shown = text;
    if (commit) commit(text);
    else if (recordId) target.editText(coll, recordId, name, text, topic ? { topic } : {});
    rerender();
  }, []);

  const onChange = useCallback(
    (text: string) => {
      const current = state.current;
      current.draft = text;
      current.shown = text;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, options.saveDelayMs ?? TEXT_SAVE_DELAY_MS);
      rerender();
    },
    [flush, options.saveDelayMs],
  );

  useEffect(() => {
    const release = store.holdInput(flush);
    return () => {
      release();
      flush();
    };
  }, [store, flush]);

  return { value: s.shown, inputRef, onChange, flush, dirty: s.draft !== null };
}
