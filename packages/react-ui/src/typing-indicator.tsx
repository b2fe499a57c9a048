import { joinNames } from './presence/person-names.ts';

/** "Jane is typing…" (R3.4), in a polite live region; empty when nobody types. */
export function TypingIndicator({ names }: { names: readonly string[] }) {
  const text = names.length === 0 ? '' : `${joinNames(names, 2)} ${names.length === 1 ? 'is' : 'are'} typing…`;
  return (
    <div role="status" aria-live="polite" className="ws-typing">
      {text ? (
        <>
          <span className="ws-typing__dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span>{text}</span>
        </>
      ) : null}
    </div>
  );
}
