import { LIVE_EVENTS, type LiveActivityPayload } from '@wedsync/protocol';
import { useQuery } from '@wedsync/react';
import type { ActivityItem } from '@wedsync/react-ui';
import { useEffect, useMemo, useState } from 'react';
import { activityItem } from './activity-text.ts';
import { useSupplierScope } from './supplier-context.tsx';
import { useServerJson } from './use-server-json.ts';

/** Items of GET /api/suppliers/:id/activity: text rendered by the server for this audience (R6.1). */
interface ServerActivity {
  id: string;
  atMs: number;
  verb: string;
  text: string;
  weddingId?: string;
}

/** Newest items kept in the feed. */
const FEED_LIMIT = 200;

/**
 * The activity feed (R6.1), newest first. The wording comes from the server, written for this
 * audience (a field the couple did not share never shows in any text, R14.2): the latest 50 items
 * once, then each new one live as `activity_added` on `supplier:{id}`. Activity records in the store
 * (the same events, structured) fill in with local wording while the server's is not known (offline).
 * `ready` tells when the first list is complete, so the feed highlights only what arrives after it.
 */
export function useActivityItems(
  channel: { on(event: string, handler: (payload: unknown) => void): () => void } | null,
): { items: ActivityItem[]; ready: boolean } {
  const scope = useSupplierScope();
  const records = useQuery('activity');
  const initial = useServerJson<{ items: ServerActivity[] }>(`/api/suppliers/${scope.supplierId}/activity?limit=50`, {
    token: scope.token,
    refreshOn: [],
  });
  const [live, setLive] = useState<ReadonlyMap<string, ServerActivity>>(new Map());

  useEffect(() => {
    if (!channel) return;
    return channel.on(LIVE_EVENTS.activityAdded, (payload) => {
      const item = payload as LiveActivityPayload;
      if (typeof item?.id !== 'string' || typeof item.text !== 'string') return;
      const atMs = Date.parse(item.at);
      setLive((current) => {
        const next = new Map(current);
        next.set(item.id, {
          id: item.id,
          verb: item.verb,
          text: item.text,
          atMs: Number.isFinite(atMs) ? atMs : Date.now(),
          ...(item.weddingId ? { weddingId: item.weddingId } : {}),
        });
        return next;
      });
    });
  }, [channel]);

  const items = useMemo(() => {
    const byId = new Map<string, ActivityItem>();
    for (const record of records) byId.set(record.id, activityItem(record, scope.nameOf));
    for (const server of [...(initial.data?.items ?? []), ...live.values()]) {
      const local = byId.get(server.id);
      byId.set(server.id, {
        id: server.id,
        text: server.text,
        atMs: local?.atMs ?? server.atMs,
        kind: server.verb,
        details: local?.details ?? [{ label: 'Kind', value: server.verb.replaceAll('_', ' ') }],
      });
    }
    return [...byId.values()].sort((a, b) => b.atMs - a.atMs || b.id.localeCompare(a.id)).slice(0, FEED_LIMIT);
  }, [records, initial.data, live, scope.nameOf]);
  // Ready once the server's latest items are in (or it is unreachable): only later ones are "new".
  return { items, ready: initial.data !== null || initial.error !== null };
}
