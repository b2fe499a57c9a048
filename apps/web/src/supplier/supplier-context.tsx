import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Me, SessionUser } from '../session/session-api.ts';

/** A person the logged-in user collaborates with (GET /api/me `people`): their team and their couples. */
export interface KnownPerson {
  id: string;
  name: string;
  kind: 'couple' | 'supplier' | string;
  supplierId?: string;
  role?: string;
}

/** What every supplier page needs: whose dashboard, the bearer token for the HTTP API, and names. */
export interface SupplierScope {
  supplierId: string;
  token: string;
  user: SessionUser;
  people: readonly KnownPerson[];
  /** `supplier:{id}`: the primary channel, bound to the record store for the whole session. */
  primaryTopic: string;
  /** `supplier:{id}:team`: team presence, drag previews and typing (ephemeral traffic). */
  teamTopic: string;
  /** A display name for a user id ("You" for me, the id's owner from `people`, else "Someone"). */
  nameOf(userId: string | null | undefined): string;
  /** The person's full name, also for me (lists of attendees, assignees). */
  fullNameOf(userId: string): string;
  /** The team members (people of this supplier), by name. */
  team: readonly KnownPerson[];
}

const SupplierContext = createContext<SupplierScope | null>(null);

/** `people` of GET /api/me, read defensively (older servers answer without it). */
export function peopleOfMe(me: Me | null): KnownPerson[] {
  const raw = (me as (Me & { people?: unknown }) | null)?.people;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (entry): entry is KnownPerson =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as KnownPerson).id === 'string' &&
      typeof (entry as KnownPerson).name === 'string',
  );
}

export function SupplierScopeProvider(props: {
  supplierId: string;
  token: string;
  user: SessionUser;
  people: readonly KnownPerson[];
  children: ReactNode;
}) {
  const { supplierId, token, user, people } = props;
  const scope = useMemo<SupplierScope>(() => {
    const byId = new Map(people.map((person) => [person.id, person]));
    return {
      supplierId,
      token,
      user,
      people,
      primaryTopic: `supplier:${supplierId}`,
      teamTopic: `supplier:${supplierId}:team`,
      nameOf(userId) {
        if (!userId) return 'Someone';
        if (userId === user.id) return 'You';
        if (userId.startsWith('anon:')) return 'A team member';
        return byId.get(userId)?.name ?? 'Someone';
      },
      fullNameOf(userId) {
        return byId.get(userId)?.name ?? (userId === user.id ? user.name : 'Someone');
      },
      team: people
        .filter((person) => person.supplierId === supplierId)
        .toSorted((a, b) => a.name.localeCompare(b.name)),
    };
  }, [supplierId, token, user, people]);
  return <SupplierContext.Provider value={scope}>{props.children}</SupplierContext.Provider>;
}

export function useSupplierScope(): SupplierScope {
  const scope = useContext(SupplierContext);
  if (!scope) throw new Error('useSupplierScope: render inside <SupplierScopeProvider>');
  return scope;
}

/** First name of a full name ("Sarah Bennett" → "Sarah"). */
export function firstName(name: string): string {
  return name.split(' ')[0] ?? name;
}
