import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatRelativeTime, TIME_GROUP_ORDER, type TimeGroup, timeGroupOf } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface NotificationEntry {
  id: string;
  /** Trigger kind (R5.2), e.g. "form_submitted", "payment_received"; matched against `typeLabels`. */
  type: string;
  title: string;
  body?: string;
  atMs: number;
  read: boolean;
  href?: string;
}

export interface NotificationCenterProps {
  notifications: readonly NotificationEntry[];
  /** Readable label per type for the filter and badges; unknown types show their key. */
  typeLabels?: Readonly<Record<string, string>>;
  onMarkRead: (id: string, read: boolean) => void;
  onMarkAllRead?: () => void;
  onClearAll: () => void;
  onOpen?: (notification: NotificationEntry) => void;
  settingsHref: string;
}

/**
 * The bell and its dropdown (R5.3): unread badge, mark read/unread, filter by type, clear all,
 * settings link, grouped by time (today, yesterday, earlier this week, older).
 */
export function NotificationCenter(props: NotificationCenterProps) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('all');
  const nowMs = useNow(30_000, open);
  const panelId = useId();
  const filterId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const bellRef = useRef<HTMLButtonElement>(null);
  const unread = props.notifications.filter((entry) => !entry.read).length;
  const labelOf = (type: string) => props.typeLabels?.[type] ?? type.replaceAll('_', ' ');

  const types = useMemo(
    () => [...new Set(props.notifications.map((entry) => entry.type))].sort(),
    [props.notifications],
  );
  const groups = useMemo(() => {
    const visible = props.notifications
      .filter((entry) => filter === 'all' || (filter === 'unread' ? !entry.read : entry.type === filter))
      .toSorted((a, b) => b.atMs - a.atMs);
    const byGroup = new Map<TimeGroup, NotificationEntry[]>();
    for (const entry of visible) {
      const group = timeGroupOf(entry.atMs, nowMs);
      byGroup.set(group, [...(byGroup.get(group) ?? []), entry]);
    }
    return TIME_GROUP_ORDER.flatMap((group) => {
      const entries = byGroup.get(group);
      return entries ? [{ group, entries }] : [];
    });
  }, [props.notifications, filter, nowMs]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      bellRef.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  const bellName = unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`;
  return (
    <div ref={rootRef} className="ws-notifications">
      <button
        ref={bellRef}
        type="button"
        className="ws-icon-button ws-notifications__bell"
        aria-label={bellName}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <BellIcon />
        {unread > 0 ? (
          <span className="ws-notifications__badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div id={panelId} role="dialog" aria-label="Notification centre" className="ws-popover ws-notifications__panel">
          <div className="ws-popover__header">
            <h2 className="ws-popover__title">Notifications</h2>
            <a className="ws-link" href={props.settingsHref}>
              Notification settings
            </a>
          </div>
          <div className="ws-notifications__tools">
            <label htmlFor={filterId} className="ws-field__label">
              Filter by type
            </label>
            <select
              id={filterId}
              className="ws-input ws-input--small"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            >
              <option value="all">All</option>
              <option value="unread">Unread</option>
              {types.map((type) => (
                <option key={type} value={type}>
                  {labelOf(type)}
                </option>
              ))}
            </select>
            {props.onMarkAllRead && unread > 0 ? (
              <button
                type="button"
                className="ws-button ws-button--small ws-button--ghost"
                onClick={props.onMarkAllRead}
              >
                Mark all read
              </button>
            ) : null}
            <button
              type="button"
              className="ws-button ws-button--small ws-button--ghost"
              disabled={props.notifications.length === 0}
              onClick={props.onClearAll}
            >
              Clear all
            </button>
          </div>
          {groups.length === 0 ? <p className="ws-muted ws-notifications__empty">You're all caught up.</p> : null}
          {groups.map(({ group, entries }) => (
            <section key={group} aria-label={group} className="ws-notifications__group">
              <h3 className="ws-notifications__group-title">{group}</h3>
              <ul className="ws-notifications__list">
                {entries.map((entry) => (
                  <li key={entry.id} className="ws-notification" data-read={entry.read || undefined}>
                    <button type="button" className="ws-notification__main" onClick={() => props.onOpen?.(entry)}>
                      <span className="ws-notification__type">{labelOf(entry.type)}</span>
                      <span className="ws-notification__title">
                        {entry.read ? null : <span className="ws-visually-hidden">Unread: </span>}
                        {entry.title}
                      </span>
                      {entry.body ? <span className="ws-notification__body">{entry.body}</span> : null}
                      <time className="ws-muted" dateTime={new Date(entry.atMs).toISOString()}>
                        {formatRelativeTime(entry.atMs, nowMs)}
                      </time>
                    </button>
                    <button
                      type="button"
                      className="ws-button ws-button--small ws-button--ghost"
                      aria-label={`${entry.read ? 'Mark as unread' : 'Mark as read'}: ${entry.title}`}
                      onClick={() => props.onMarkRead(entry.id, !entry.read)}
                    >
                      {entry.read ? 'Mark unread' : 'Mark read'}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function BellIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
      />
    </svg>
  );
}
