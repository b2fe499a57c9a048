import type { PresencePerson } from '@wedsync/react-ui';
import type { SessionUser } from '../session/session-api.ts';

/** The label couples see for an anonymous team edit (R14.2); mirrors the wedding package's wording. */
const ANONYMOUS = 'A team member';

/**
 * A display name for a change's `by` (a user id, `anon:{id}`, or the anonymous label). Known people:
 * me, and whoever is present on a shared channel. Others read as "Someone" until the server offers
 * a name directory.
 */
export function nameOf(by: string | undefined, me: SessionUser, people: readonly PresencePerson[]): string {
  if (!by) return 'Someone';
  if (by === me.id) return 'You';
  if (by.startsWith('anon:') || by === ANONYMOUS) return ANONYMOUS;
  const person = people.find((candidate) => candidate.id === by);
  return person ? (person.name.split(' ')[0] ?? person.name) : 'Someone';
}
