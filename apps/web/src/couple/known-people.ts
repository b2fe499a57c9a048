import { useCallback, useMemo } from 'react';
import type { Me, SessionUser } from '../session/session-api.ts';

/** A person the logged-in user works with (GET /api/me `people`): partners and their suppliers' teams. */
export interface KnownPerson {
  id: string;
  name: string;
  kind: string;
  supplierId?: string;
}

/** The `people` of GET /api/me, read defensively. */
export function knownPeople(me: Me | null): KnownPerson[] {
  const raw = (me as (Me & { people?: unknown }) | null)?.people;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (entry): entry is KnownPerson =>
      typeof entry === 'object' && entry !== null && typeof entry.id === 'string' && typeof entry.name === 'string',
  );
}

/**
 * A display name for a change's or notice's author (R3.3, R14.2): "You", a first name, "A team
 * member" for an anonymous edit, else "Someone".
 */
export function useNameOf(me: Me | null, user: SessionUser): (userId: string | undefined) => string {
  const byId = useMemo(() => new Map(knownPeople(me).map((person) => [person.id, person.name])), [me]);
  return useCallback(
    (userId: string | undefined) => {
      if (!userId) return 'Someone';
      if (userId === user.id) return 'You';
      if (userId.startsWith('anon:') || userId === 'A team member') return 'A team member';
      const name = byId.get(userId);
      return name ? (name.split(' ')[0] ?? name) : 'Someone';
    },
    [byId, user.id],
  );
}

/** Suppliers connected to the wedding, labelled with their team's names (for "Shared with"). */
export function supplierChoices(supplierIds: readonly string[], me: Me | null): { id: string; label: string }[] {
  const people = knownPeople(me);
  return supplierIds.map((id) => {
    const team = people.filter((person) => person.supplierId === id).map((person) => person.name);
    const name = id.charAt(0).toUpperCase() + id.slice(1);
    return { id, label: team.length > 0 ? `${name} (${team.join(', ')})` : name };
  });
}
