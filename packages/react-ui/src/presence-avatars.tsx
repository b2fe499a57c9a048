import type { CSSProperties } from 'react';
import { hueOf, initialsOf } from './presence/person-names.ts';

export interface PresencePerson {
  id: string;
  name: string;
  status: 'active' | 'idle';
  /** What they are doing here, e.g. "Viewing", "Editing guest count" (R4.3). */
  activity?: string;
  /** Where they are in the app, e.g. "Clients › Emma & James" (R10.1). */
  location?: string;
}

export interface PresenceAvatarsProps {
  people: readonly PresencePerson[];
  /** Accessible name of the group; default "People here". */
  label?: string;
  /** Avatars shown before "+N"; default 5. */
  maxShown?: number;
}

function describe(person: PresencePerson): string {
  const parts: string[] = [person.status];
  if (person.activity) parts.push(person.activity.toLowerCase());
  if (person.location) parts.push(`in ${person.location}`);
  return `${person.name} (${parts.join(', ')})`;
}

/** Avatar circles on shared screens (R4.3): green dot active, grey dot idle, activity in the tooltip. */
export function PresenceAvatars({ people, label = 'People here', maxShown = 5 }: PresenceAvatarsProps) {
  const sorted = [...people].sort((a, b) =>
    a.status === b.status ? a.name.localeCompare(b.name) : a.status === 'active' ? -1 : 1,
  );
  const shown = sorted.slice(0, maxShown);
  const hidden = sorted.slice(maxShown);
  return (
    <ul className="ws-avatars" aria-label={`${label}: ${people.length}`}>
      {shown.map((person) => (
        <li
          key={person.id}
          className="ws-avatar"
          data-status={person.status}
          title={describe(person)}
          style={{ '--ws-avatar-hue': hueOf(person.id) } as CSSProperties}
        >
          <span aria-hidden="true" className="ws-avatar__initials">
            {initialsOf(person.name)}
          </span>
          <span className="ws-visually-hidden">{describe(person)}</span>
          <span className="ws-avatar__dot" aria-hidden="true" />
          {person.activity ? (
            <span className="ws-avatar__activity" aria-hidden="true">
              {person.activity}
            </span>
          ) : null}
        </li>
      ))}
      {hidden.length > 0 ? (
        <li className="ws-avatar ws-avatar--more" title={hidden.map(describe).join('\n')}>
          <span aria-hidden="true">+{hidden.length}</span>
          <span className="ws-visually-hidden">
            and {hidden.length} more: {hidden.map(describe).join('; ')}
          </span>
        </li>
      ) : null}
    </ul>
  );
}
