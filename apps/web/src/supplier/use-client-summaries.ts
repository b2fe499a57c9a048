import { useQuery, useRecordChanges, useRecordStore } from '@wedsync/react';
import type { ClientSummary } from '@wedsync/react-ui';
import { useMemo, useState } from 'react';
import { useSupplierScope } from './supplier-context.tsx';
import { useServerJson } from './use-server-json.ts';
import { useWeddingPresence } from './use-wedding-presence.ts';

/** One entry of GET /api/suppliers/:id/client-statuses (the wedding package's ClientStatus, R7.1). */
interface ServerClientStatus {
  weddingId: string;
  online: boolean;
  lastActiveMs?: number;
  fillingForm: { formTitle: string } | null;
  unreadMessages: number;
}

/** Record changes in these collections can change a status (filling, unread, last active). */
const STATUS_COLLECTIONS = ['form_assignments', 'form_answers', 'messages', 'weddings', 'connections', 'activity'];

/**
 * The supplier's clients with their R7.1 status: "online now" from presence on each wedding channel
 * (live), "recently active" / "inactive", "filling a form" and unread messages from the server's
 * statuses (refetched after each burst of relevant changes), and `updatedAtMs` set when someone
 * else's change to that wedding's records arrives (R7.2 highlight). Weddings come from the record
 * store, so a new client animates in and a disconnected one fades out as its records come and go.
 * `ready` tells when the first list is complete (see below).
 */
export function useClientSummaries(): { clients: ClientSummary[]; ready: boolean } {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const weddings = useQuery('weddings');
  const statuses = useServerJson<{ statuses: ServerClientStatus[] }>(
    `/api/suppliers/${scope.supplierId}/client-statuses`,
    { token: scope.token, refreshOn: STATUS_COLLECTIONS },
  );
  const statusById = useMemo(
    () => new Map((statuses.data?.statuses ?? []).map((status) => [status.weddingId, status])),
    [statuses.data],
  );
  const watched = useMemo(
    () =>
      weddings
        .map((wedding) => wedding.id)
        .sort((a, b) => (statusById.get(b)?.lastActiveMs ?? 0) - (statusById.get(a)?.lastActiveMs ?? 0)),
    [weddings, statusById],
  );
  const present = useWeddingPresence(watched, scope.user.id);
  const couplePeople = useMemo(
    () => new Set(scope.people.filter((person) => person.kind === 'couple').map((person) => person.id)),
    [scope.people],
  );

  const [updatedAt, setUpdatedAt] = useState<ReadonlyMap<string, number>>(new Map());
  useRecordChanges((changes) => {
    const touched = new Map<string, number>();
    for (const change of changes) {
      if (change.source !== 'remote') continue;
      const weddingId =
        change.c === 'weddings' ? change.id : (store.record(change.c, change.id)?.fields.weddingId ?? undefined);
      if (typeof weddingId !== 'string' || change.c === 'activity') continue;
      touched.set(weddingId, change.at ? Date.parse(change.at) || Date.now() : Date.now());
    }
    if (touched.size > 0) setUpdatedAt((current) => new Map([...current, ...touched]));
  });

  const clients = useMemo(
    () =>
      weddings.map((wedding) => {
        const status = statusById.get(wedding.id);
        const here = present.get(wedding.id);
        const online = here ? [...here].some((userId) => couplePeople.has(userId)) : (status?.online ?? false);
        return {
          id: wedding.id,
          name: String(wedding.fields.title ?? wedding.id),
          weddingDate: typeof wedding.fields.date === 'string' ? wedding.fields.date : null,
          online,
          lastActiveAtMs: online ? Date.now() : (status?.lastActiveMs ?? null),
          fillingForm: status?.fillingForm?.formTitle ?? null,
          unreadMessages: status?.unreadMessages ?? 0,
          updatedAtMs: updatedAt.get(wedding.id) ?? null,
        };
      }),
    [weddings, statusById, present, couplePeople, updatedAt],
  );
  // Ready once the server listed the clients and the store holds each of them (or the server is
  // unreachable): only clients added after that animate in.
  const ready =
    statuses.error !== null ||
    (statuses.data?.statuses.every((status) => weddings.some((w) => w.id === status.weddingId)) ?? false);
  return { clients, ready };
}
