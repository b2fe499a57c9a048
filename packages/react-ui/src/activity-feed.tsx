import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useArrivals } from './motion/use-arrivals.ts';
import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';
import { useVirtualRows } from './virtual/use-virtual-rows.ts';

export interface ActivityItem {
  id: string;
  /** Readable sentence, e.g. "Emma just completed the timeline form" (R6.1). */
  text: string;
  atMs: number;
  /** Kind for the icon/colour, e.g. "form", "guest_count", "payment". */
  kind?: string;
  details?: readonly { label: string; value: string }[];
}

export interface ActivityFeedProps {
  /** Newest first. */
  items: readonly ActivityItem[];
  title?: string;
  onSelect?: (item: ActivityItem) => void;
  /** How long new items stay highlighted; default 3,000 ms. */
  highlightMs?: number;
}

/** Fixed row height in px; must match `.ws-activity__row` in the stylesheet. */
export const ACTIVITY_ROW_HEIGHT_PX = 64;

/**
 * Live activity feed (R6.1). New items slide in at the top with a highlight. The list scrolls itself
 * only when the reader is at the top; further down the reader's place is kept and a "new" pill offers
 * to jump up. While hovered the feed is paused: arrivals wait, counted in the pill, until the pointer
 * leaves. Rows are windowed, so a burst of 1,000 items renders in one cheap pass.
 */
export function ActivityFeed({ items, title = 'Activity', onSelect, highlightMs = 3000 }: ActivityFeedProps) {
  const [pausedItems, setPausedItems] = useState<readonly ActivityItem[] | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const shown = pausedItems ?? items;
  const waiting = useMemo(() => {
    if (!pausedItems) return 0;
    const shownIds = new Set(pausedItems.map((item) => item.id));
    return items.reduce((count, item) => count + (shownIds.has(item.id) ? 0 : 1), 0);
  }, [items, pausedItems]);

  const viewportRef = useRef<HTMLDivElement>(null);
  const shownIds = useMemo(() => shown.map((item) => item.id), [shown]);
  const fresh = useArrivals(shownIds, highlightMs);
  const nowMs = useNow(30_000);
  const [aboveCount, setAboveCount] = useState(0);
  const previousFirstId = useRef<string | undefined>(shown[0]?.id);

  // Keep the reader's place when items arrive above them; at the top, new items simply show.
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    const oldFirst = previousFirstId.current;
    previousFirstId.current = shown[0]?.id;
    if (!viewport || oldFirst === undefined) return;
    const added = shown.findIndex((item) => item.id === oldFirst);
    if (added <= 0) return;
    if (viewport.scrollTop > 0) {
      viewport.scrollTop += added * ACTIVITY_ROW_HEIGHT_PX;
      setAboveCount((count) => count + added);
    }
  }, [shown]);

  const rows = useVirtualRows({ count: shown.length, rowHeightPx: ACTIVITY_ROW_HEIGHT_PX, viewportRef });
  const selected = shown.find((item) => item.id === selectedId) ?? null;
  const pillCount = waiting + aboveCount;

  return (
    <section
      className="ws-activity"
      aria-label={title}
      data-paused={pausedItems ? true : undefined}
      onMouseEnter={() => setPausedItems(items)}
      onMouseLeave={() => setPausedItems(null)}
    >
      <header className="ws-activity__header">
        <h2 className="ws-section-title">{title}</h2>
        <span className="ws-muted ws-activity__state" aria-live="polite">
          {pausedItems ? 'Paused while you read' : 'Live'}
        </span>
      </header>
      {pillCount > 0 ? (
        <button
          type="button"
          className="ws-pill ws-activity__new"
          onClick={() => {
            setPausedItems(null);
            setAboveCount(0);
            viewportRef.current?.scrollTo?.({ top: 0, behavior: 'smooth' });
          }}
        >
          {pillCount} new {pillCount === 1 ? 'activity' : 'activities'}
        </button>
      ) : null}
      <div
        ref={viewportRef}
        className="ws-activity__viewport"
        onScroll={(event) => {
          if (event.currentTarget.scrollTop === 0 && aboveCount > 0) setAboveCount(0);
        }}
      >
        <ol className="ws-activity__list" aria-label={`${title} items`}>
          {rows.padTopPx > 0 ? <li aria-hidden="true" style={{ height: rows.padTopPx }} /> : null}
          {shown.slice(rows.startIndex, rows.endIndex).map((item) => (
            <li
              key={item.id}
              className="ws-activity__row"
              data-fresh={fresh.has(item.id) || undefined}
              data-kind={item.kind}
            >
              <button
                type="button"
                className="ws-activity__item"
                aria-expanded={item.id === selectedId}
                onClick={() => {
                  setSelectedId((current) => (current === item.id ? null : item.id));
                  onSelect?.(item);
                }}
              >
                <span className="ws-activity__dot" aria-hidden="true" />
                <span className="ws-activity__text">{item.text}</span>
                <time className="ws-muted" dateTime={new Date(item.atMs).toISOString()}>
                  {formatRelativeTime(item.atMs, nowMs)}
                </time>
              </button>
            </li>
          ))}
          {rows.padBottomPx > 0 ? <li aria-hidden="true" style={{ height: rows.padBottomPx }} /> : null}
        </ol>
        {shown.length === 0 ? <p className="ws-muted ws-activity__empty">No activity yet.</p> : null}
      </div>
      {selected ? (
        <section className="ws-activity__details" aria-label="Activity details">
          <p>{selected.text}</p>
          <dl>
            <dt>When</dt>
            <dd>{new Date(selected.atMs).toLocaleString()}</dd>
            {(selected.details ?? []).map((detail) => (
              <div key={detail.label} className="ws-activity__detail">
                <dt>{detail.label}</dt>
                <dd>{detail.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </section>
  );
}
