import { type ReactNode, useId, useLayoutEffect, useRef, useState } from 'react';
import { formatClockTime } from './time/relative-time.ts';
import { TypingIndicator } from './typing-indicator.tsx';

export interface ChatMessage {
  id: string;
  authorName: string;
  text: string;
  atMs: number;
  mine?: boolean;
  /** Not yet acknowledged by the server (queued or in flight). */
  pending?: boolean;
  /** Shown above the text, e.g. a photo; a message may have only this. */
  attachment?: ReactNode;
}

export interface TeamChatProps {
  title?: string;
  /** Oldest first. */
  messages: readonly ChatMessage[];
  typingNames?: readonly string[];
  onSend: (text: string) => void;
  /** Called as the user types (for "is typing…" broadcasts); throttling is the caller's. */
  onTyping?: () => void;
  disabled?: boolean;
  /** Extra controls before the message input, e.g. "Add photo". */
  composerActions?: ReactNode;
}

/**
 * Real-time team chat (R10.1): a live log that follows new messages only while the reader is at the
 * bottom, pending marks on unacknowledged messages, typing indicator, labelled composer.
 */
export function TeamChat({
  title = 'Team chat',
  messages,
  typingNames = [],
  onSend,
  onTyping,
  disabled,
  composerActions,
}: TeamChatProps) {
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const logRef = useRef<HTMLOListElement>(null);
  const stuckToBottom = useRef(true);

  useLayoutEffect(() => {
    const log = logRef.current;
    if (log && stuckToBottom.current && messages.length >= 0) log.scrollTop = log.scrollHeight;
  }, [messages]);

  return (
    <section className="ws-chat" aria-label={title}>
      <h2 className="ws-section-title">{title}</h2>
      <ol
        ref={logRef}
        className="ws-chat__log"
        role="log"
        aria-live="polite"
        aria-label={`${title} messages`}
        onScroll={(event) => {
          const log = event.currentTarget;
          stuckToBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
        }}
      >
        {messages.length === 0 ? <li className="ws-muted ws-chat__empty">No messages yet. Say hello!</li> : null}
        {messages.map((message) => (
          <li
            key={message.id}
            className="ws-chat__message"
            data-mine={message.mine || undefined}
            data-pending={message.pending || undefined}
          >
            <span className="ws-chat__author">{message.mine ? 'You' : message.authorName}</span>
            {message.attachment}
            {message.text || !message.attachment ? <p className="ws-chat__text">{message.text}</p> : null}
            <time className="ws-chat__time" dateTime={new Date(message.atMs).toISOString()}>
              {formatClockTime(message.atMs)}
              {message.pending ? ' · sending…' : null}
            </time>
          </li>
        ))}
      </ol>
      <TypingIndicator names={typingNames} />
      <form
        className="ws-chat__composer"
        onSubmit={(event) => {
          event.preventDefault();
          const text = draft.trim();
          if (!text) return;
          onSend(text);
          setDraft('');
          stuckToBottom.current = true;
        }}
      >
        {composerActions}
        <label htmlFor={inputId} className="ws-visually-hidden">
          Message
        </label>
        <input
          id={inputId}
          className="ws-input"
          placeholder="Write a message…"
          value={draft}
          disabled={disabled}
          autoComplete="off"
          onChange={(event) => {
            setDraft(event.target.value);
            onTyping?.();
          }}
        />
        <button type="submit" className="ws-button ws-button--primary" disabled={disabled || draft.trim() === ''}>
          Send
        </button>
      </form>
    </section>
  );
}
