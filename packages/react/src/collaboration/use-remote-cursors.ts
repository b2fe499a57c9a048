import type { Channel } from '@wedsync/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { mapPosition, spliceBetween } from '../text/text-rebase.ts';

/** Broadcast event carrying caret positions in shared documents (R4.3). Ephemeral: never stored. */
export const CURSOR_EVENT = 'cursor';
/** At most one cursor broadcast per this many ms per document (R13.1: ephemeral traffic is cheap). */
export const CURSOR_SEND_INTERVAL_MS = 150;
/** A cursor not refreshed for this long is dropped (its owner left without saying so). */
export const CURSOR_STALE_MS = 30_000;

export interface CursorMessage {
  /** Which document, e.g. `notes/n1/body`. */
  doc: string;
  userId: string;
  name: string;
  /** UTF-16 offsets in the sender's text; null: the sender left the document. */
  start: number | null;
  end: number | null;
}

export interface RemoteCursor {
  userId: string;
  name: string;
  start: number;
  end: number;
  atMs: number;
}

export interface RemoteCursors {
  /** Other people's carets in this document, mapped onto my current text. */
  cursors: RemoteCursor[];
  /** Call on select/input/focus with my selection. */
  report: (start: number, end: number) => void;
  /** Call on blur: my caret disappears from others' screens. */
  leave: () => void;
}

/**
 * Cursor positions of others in one shared document (R4.3), over broadcast on `channel`. Positions
 * received are moved along with every later change of the text I see (`text`), so a caret stays on
 * its word while others type before it, until its owner reports again.
 */
export function useRemoteCursors(
  channel: Channel | null,
  doc: string,
  me: { id: string; name: string },
  text: string,
): RemoteCursors {
  const [cursors, setCursors] = useState<RemoteCursor[]>([]);
  const lastText = useRef(text);
  const lastSent = useRef({ atMs: 0, timer: null as ReturnType<typeof setTimeout> | null });

  useEffect(() => {
    if (lastText.current === text) return;
    const splice = spliceBetween(lastText.current, text);
    lastText.current = text;
    setCursors((list) =>
      list.map((cursor) => ({
        ...cursor,
        start: mapPosition(cursor.start, splice),
        end: mapPosition(cursor.end, splice),
      })),
    );
  }, [text]);

  useEffect(() => {
    if (!channel) return;
    const stop = channel.onBroadcast(CURSOR_EVENT, (payload) => {
      const message = payload as Partial<CursorMessage> | null;
      if (!message || message.doc !== doc || typeof message.userId !== 'string' || message.userId === me.id) return;
      const userId = message.userId;
      setCursors((list) => {
        const others = list.filter((cursor) => cursor.userId !== userId);
        if (typeof message.start !== 'number') return others;
        const length = lastText.current.length;
        const start = Math.max(0, Math.min(length, message.start));
        const end = Math.max(start, Math.min(length, typeof message.end === 'number' ? message.end : start));
        const name = typeof message.name === 'string' ? message.name : 'Someone';
        return [...others, { userId, name, start, end, atMs: Date.now() }];
      });
    });
    const sweep = setInterval(() => {
      const cutoff = Date.now() - CURSOR_STALE_MS;
      setCursors((list) => (list.some((cursor) => cursor.atMs < cutoff) ? list.filter((c) => c.atMs >= cutoff) : list));
    }, 5_000);
    return () => {
      stop();
      clearInterval(sweep);
      setCursors([]);
    };
  }, [channel, doc, me.id]);

  const send = useCallback(
    (start: number | null, end: number | null) => {
      if (channel?.state !== 'joined') return;
      const message: CursorMessage = { doc, userId: me.id, name: me.name, start, end };
      channel.broadcast(CURSOR_EVENT, message).catch(() => undefined);
    },
    [channel, doc, me.id, me.name],
  );

  const report = useCallback(
    (start: number, end: number) => {
      const sent = lastSent.current;
      if (sent.timer) clearTimeout(sent.timer);
      const wait = sent.atMs + CURSOR_SEND_INTERVAL_MS - Date.now();
      const go = () => {
        sent.timer = null;
        sent.atMs = Date.now();
        send(start, end);
      };
      if (wait <= 0) go();
      else sent.timer = setTimeout(go, wait);
    },
    [send],
  );

  const leave = useCallback(() => {
    const sent = lastSent.current;
    if (sent.timer) clearTimeout(sent.timer);
    sent.timer = null;
    send(null, null);
  }, [send]);

  useEffect(
    () => () => {
      if (lastSent.current.timer) clearTimeout(lastSent.current.timer);
    },
    [],
  );

  return { cursors, report, leave };
}
