import type { Channel } from '@wedsync/client';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Broadcast event of "Jane is typing…" (R3.4). Ephemeral: never stored. */
export const TYPING_EVENT = 'typing';
/** A typist is shown this long after their last keystroke notice. */
export const TYPING_SHOWN_MS = 3_000;
/** While typing, at most one notice per field per this many ms. */
export const TYPING_SEND_INTERVAL_MS = 1_000;

export interface TypingMessage {
  /** Which field, e.g. `{assignmentId}.{formFieldId}`. */
  field: string;
  userId: string;
  name: string;
  typing: boolean;
}

export interface Typing {
  /** Names of others typing in `field` now. */
  namesIn: (field: string) => string[];
  /** Every field someone else types in now, with their names. */
  active: Readonly<Record<string, string[]>>;
  /** Call on each keystroke in `field` (throttled). */
  typed: (field: string) => void;
  /** Call on blur/save: others stop seeing me typing there. */
  stopped: (field: string) => void;
}

/**
 * "Jane is typing…" over broadcast on `channel` (R3.4): who types in which field, each shown for
 * TYPING_SHOWN_MS after their last notice, gone at once when they stop or leave.
 */
export function useTyping(channel: Channel | null, me: { id: string; name: string }): Typing {
  const [active, setActive] = useState<Readonly<Record<string, string[]>>>({});
  const typists = useRef(new Map<string, Map<string, { name: string; untilMs: number }>>());
  const sentAt = useRef(new Map<string, number>());

  const publish = useCallback(() => {
    const now = Date.now();
    const next: Record<string, string[]> = {};
    for (const [field, people] of typists.current) {
      for (const [userId, entry] of people) if (entry.untilMs <= now) people.delete(userId);
      if (people.size > 0) next[field] = [...people.values()].map((entry) => entry.name).sort();
      else typists.current.delete(field);
    }
    setActive((previous) => (JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
  }, []);

  useEffect(() => {
    if (!channel) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const stop = channel.onBroadcast(TYPING_EVENT, (payload) => {
      const message = payload as Partial<TypingMessage> | null;
      if (!message || typeof message.field !== 'string' || typeof message.userId !== 'string') return;
      if (message.userId === me.id) return;
      const people = typists.current.get(message.field) ?? new Map();
      typists.current.set(message.field, people);
      if (message.typing) {
        people.set(message.userId, {
          name: typeof message.name === 'string' ? message.name : 'Someone',
          untilMs: Date.now() + TYPING_SHOWN_MS,
        });
        const timer = setTimeout(() => {
          timers.delete(timer);
          publish();
        }, TYPING_SHOWN_MS + 50);
        timers.add(timer);
      } else people.delete(message.userId);
      publish();
    });
    return () => {
      stop();
      for (const timer of timers) clearTimeout(timer);
      typists.current.clear();
      setActive({});
    };
  }, [channel, me.id, publish]);

  const send = useCallback(
    (field: string, typing: boolean) => {
      if (channel?.state !== 'joined') return;
      const message: TypingMessage = { field, userId: me.id, name: me.name, typing };
      channel.broadcast(TYPING_EVENT, message).catch(() => undefined);
    },
    [channel, me.id, me.name],
  );

  const typed = useCallback(
    (field: string) => {
      const now = Date.now();
      if (now - (sentAt.current.get(field) ?? 0) < TYPING_SEND_INTERVAL_MS) return;
      sentAt.current.set(field, now);
      send(field, true);
    },
    [send],
  );

  const stopped = useCallback(
    (field: string) => {
      if (!sentAt.current.delete(field)) return;
      send(field, false);
    },
    [send],
  );

  const namesIn = useCallback((field: string) => active[field] ?? [], [active]);
  return { namesIn, active, typed, stopped };
}
