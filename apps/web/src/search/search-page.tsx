import { useRecordChanges, useRecordStore } from '@wedsync/react';
import { formatRelativeTime, LiveSectionOverlay, useNow } from '@wedsync/react-ui';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import { collectionLabel, type SearchHit, searchLocal } from './search-hit.ts';
import { useLiveSearch } from './use-live-search.ts';
import './search.css';

export interface OpenableHit extends SearchHit {
  /** The wedding the hit belongs to, when known (to open the client's profile). */
  weddingId: string | null;
}

export interface SearchPageProps {
  token: string;
  onOpen?: (hit: OpenableHit) => void;
}

const LIMIT = 50;
/** A hit that arrived with a live update stays marked this long. */
const FRESH_MS = 4_000;

/** The matched part of a snippet in <mark>, case-insensitively. */
function Highlighted({ text, query }: { text: string; query: string }) {
  const at = query ? text.toLocaleLowerCase().indexOf(query.toLocaleLowerCase()) : -1;
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + query.length)}</mark>
      {text.slice(at + query.length)}
    </>
  );
}

/**
 * Real-time search (acceptance scenario 11, R14.2): results from the server over everything this
 * person may see, updated live while the box is open — a change anywhere that adds, alters or
 * removes a hit re-renders the list, new hits marked. Offline, the records synced to this device
 * are searched instead.
 */
export function SearchPage({ token, onOpen }: SearchPageProps) {
  const inputId = useId();
  const store = useRecordStore();
  const sync = useSyncOverview();
  const [query, setQuery] = useState('');
  const live = useLiveSearch(query, { token, limit: LIMIT, enabled: !sync.offline });
  const [localTick, setLocalTick] = useState(0);
  useRecordChanges(() => {
    if (sync.offline) setLocalTick((tick) => tick + 1);
  });
  const offlineHits = useMemo(
    () => (sync.offline && localTick >= 0 ? searchLocal(store, query, LIMIT) : []),
    [sync.offline, store, query, localTick],
  );
  const hits = sync.offline ? offlineHits : live.hits;
  const nowMs = useNow(30_000);

  // Hits that were not in the previous answer are "new" for a moment (not on the first answer).
  const seen = useRef<{ query: string; keys: Set<string> } | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const keys = new Set(live.hits.map((hit) => `${hit.c}/${hit.id}`));
    const previous = seen.current;
    seen.current = { query, keys };
    if (!previous || previous.query !== query) return;
    const added = [...keys].filter((key) => !previous.keys.has(key));
    if (added.length > 0) setFresh(new Set(added));
  }, [live.hits, query]);
  useEffect(() => {
    if (fresh.size === 0) return;
    const timer = setTimeout(() => setFresh(new Set()), FRESH_MS);
    return () => clearTimeout(timer);
  }, [fresh]);

  const count = hits.length;
  const summary = !query.trim()
    ? 'Type to search clients, forms, messages, meetings, notes, tasks and chat.'
    : sync.offline
      ? `${count} ${count === 1 ? 'result' : 'results'} on this device (offline)`
      : live.state === 'searching'
        ? 'Searching…'
        : live.state === 'error'
          ? `Search is retrying (${live.error})`
          : `${count} ${count === 1 ? 'result' : 'results'}, updating live`;

  return (
    <div className="page">
      <h1 className="page__title">Search</h1>
      <div className="card search">
        <search className="search__form">
          <label htmlFor={inputId} className="search__label">
            Search everything
          </label>
          <input
            id={inputId}
            type="search"
            className="ws-input search__input"
            placeholder="e.g. sunset, Oakwood, deposit…"
            value={query}
            autoComplete="off"
            onChange={(event) => setQuery(event.target.value)}
          />
        </search>
        <p className="ws-muted search__summary" role="status" aria-live="polite">
          {summary}
        </p>
        <LiveSectionOverlay
          label="Search results"
          offline={false}
          lastSyncedAtMs={sync.lastSyncedAtMs}
          queuedChanges={sync.queuedChanges}
        >
          <ol className="search__results" aria-label="Search results">
            {hits.map((hit) => {
              const key = `${hit.c}/${hit.id}`;
              const record = store.record(hit.c, hit.id);
              const weddingId =
                hit.c === 'weddings'
                  ? hit.id
                  : typeof record?.fields.weddingId === 'string'
                    ? record.fields.weddingId
                    : null;
              return (
                <li key={key} className="search__hit" data-new={fresh.has(key) || undefined}>
                  <button
                    type="button"
                    className="search__hit-button"
                    disabled={!onOpen}
                    onClick={() => onOpen?.({ ...hit, weddingId })}
                  >
                    <span className="search__hit-kind">{collectionLabel(hit.c)}</span>
                    <strong className="search__hit-title">{hit.title}</strong>
                    <span className="search__hit-snippet">
                      <Highlighted text={hit.snippet} query={query.trim()} />
                    </span>
                    {hit.updatedAtMs > 0 ? (
                      <time className="ws-muted" dateTime={new Date(hit.updatedAtMs).toISOString()}>
                        {formatRelativeTime(hit.updatedAtMs, nowMs)}
                      </time>
                    ) : null}
                  </button>
                </li>
              );
            })}
          </ol>
          {query.trim() && count === 0 && live.state === 'live' ? <p className="ws-muted">No results.</p> : null}
        </LiveSectionOverlay>
      </div>
    </div>
  );
}
