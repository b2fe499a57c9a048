import { type CSSProperties, useMemo, useRef } from 'react';
import { useArrivals } from './motion/use-arrivals.ts';
import { useDepartures } from './motion/use-departures.ts';
import { hueOf, initialsOf } from './presence/person-names.ts';
import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';
import { useVirtualRows } from './virtual/use-virtual-rows.ts';

export interface ClientSummary {
  id: string;
  /** Couple's display name, e.g. "Emma & James". */
  name: string;
  weddingDate?: string | null;
  online: boolean;
  lastActiveAtMs: number | null;
  /** Name of the form being filled right now, if any (R7.1 "currently filling a form"). */
  fillingForm?: string | null;
  unreadMessages: number;
  updatedAtMs: number | null;
}

export type ClientActivity = 'filling' | 'online' | 'recent' | 'idle' | 'inactive';

const DAY_MS = 86_400_000;
/** Updated within this window reads as "recently updated" and is highlighted; 10 s. */
export const RECENTLY_UPDATED_MS = 10_000;

/** The R7.1 status of one client at `nowMs`. */
export function clientActivity(client: ClientSummary, nowMs: number): ClientActivity {
  if (client.fillingForm) return 'filling';
  if (client.online) return 'online';
  if (client.lastActiveAtMs == null) return 'inactive';
  const idleMs = nowMs - client.lastActiveAtMs;
  if (idleMs <= DAY_MS) return 'recent';
  if (idleMs > 7 * DAY_MS) return 'inactive';
  return 'idle';
}

const RANK: Record<ClientActivity, number> = { filling: 0, online: 1, recent: 2, idle: 3, inactive: 4 };

/** Active clients first (R7.2), then by most recent activity, then by name. */
export function sortClients(clients: readonly ClientSummary[], nowMs: number): ClientSummary[] {
  return clients.toSorted(
    (a, b) =>
      RANK[clientActivity(a, nowMs)] - RANK[clientActivity(b, nowMs)] ||
      (b.lastActiveAtMs ?? 0) - (a.lastActiveAtMs ?? 0) ||
      a.name.localeCompare(b.name),
  );
}

export interface ClientListProps {
  clients: readonly ClientSummary[];
  selectedId?: string | null;
  onSelect?: (client: ClientSummary) => void;
  title?: string;
}

const ROW_HEIGHT_PX = 68;

function statusText(client: ClientSummary, activity: ClientActivity, nowMs: number): string {
  switch (activity) {
    case 'filling':
      return `Filling ${client.fillingForm}`;
    case 'online':
      return 'Online now';
    case 'recent':
      return `Active ${formatRelativeTime(client.lastActiveAtMs ?? nowMs, nowMs)}`;
    case 'idle':
      return `Last seen ${formatRelativeTime(client.lastActiveAtMs ?? nowMs, nowMs)}`;
    case 'inactive':
      return 'Inactive';
  }
}

/**
 * The supplier's client list (R7): live status per client, active ones bubble up, recently updated
 * rows highlighted, new clients animate in and deleted ones fade out. Windowed for long lists.
 */
export function ClientList({ clients, selectedId, onSelect, title = 'Clients' }: ClientListProps) {
  const nowMs = useNow(10_000);
  const sorted = useMemo(() => sortClients(clients, nowMs), [clients, nowMs]);
  const presented = useDepartures(sorted, 400);
  const ids = useMemo(() => sorted.map((client) => client.id), [sorted]);
  const fresh = useArrivals(ids, 1500);
  const viewportRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualRows({ count: presented.length, rowHeightPx: ROW_HEIGHT_PX, viewportRef });

  return (
    <section className="ws-clients" aria-label={title}>
      <h2 className="ws-section-title">
        {title} <span className="ws-muted">({clients.length})</span>
      </h2>
      <div ref={viewportRef} className="ws-clients__viewport">
        <ul className="ws-clients__list">
          {rows.padTopPx > 0 ? <li aria-hidden="true" style={{ height: rows.padTopPx }} /> : null}
          {presented.slice(rows.startIndex, rows.endIndex).map(({ item: client, leaving }) => {
            const activity = clientActivity(client, nowMs);
            const recentlyUpdated = client.updatedAtMs != null && nowMs - client.updatedAtMs < RECENTLY_UPDATED_MS;
            return (
              <li
                key={client.id}
                className="ws-client"
                data-activity={activity}
                data-leaving={leaving || undefined}
                data-new={fresh.has(client.id) || undefined}
                data-updated={recentlyUpdated || undefined}
                aria-hidden={leaving || undefined}
              >
                <button
                  type="button"
                  className="ws-client__button"
                  aria-current={client.id === selectedId ? 'true' : undefined}
                  disabled={leaving}
                  aria-label={[
                    client.name,
                    statusText(client, activity, nowMs),
                    client.unreadMessages > 0
                      ? `${client.unreadMessages} unread ${client.unreadMessages === 1 ? 'message' : 'messages'}`
                      : '',
                    recentlyUpdated ? 'just updated' : '',
                  ]
                    .filter(Boolean)
                    .join(', ')}
                  onClick={() => onSelect?.(client)}
                >
                  <span
                    className="ws-client__avatar"
                    aria-hidden="true"
                    style={{ '--ws-avatar-hue': hueOf(client.id) } as CSSProperties}
                  >
                    {initialsOf(client.name)}
                  </span>
                  <span className="ws-client__main">
                    <span className="ws-client__name">{client.name}</span>
                    <span className="ws-client__status">
                      <span className="ws-client__status-dot" aria-hidden="true" />
                      {statusText(client, activity, nowMs)}
                      {client.weddingDate ? <span className="ws-muted"> · Wedding {client.weddingDate}</span> : null}
                    </span>
                  </span>
                  {client.unreadMessages > 0 ? (
                    <span className="ws-badge ws-badge--accent">
                      {client.unreadMessages}
                      <span className="ws-visually-hidden">
                        {' '}
                        unread {client.unreadMessages === 1 ? 'message' : 'messages'}
                      </span>
                    </span>
                  ) : null}
                  {recentlyUpdated ? <span className="ws-client__updated">Updated</span> : null}
                </button>
              </li>
            );
          })}
          {rows.padBottomPx > 0 ? <li aria-hidden="true" style={{ height: rows.padBottomPx }} /> : null}
        </ul>
        {clients.length === 0 ? <p className="ws-muted">No clients yet.</p> : null}
      </div>
    </section>
  );
}
