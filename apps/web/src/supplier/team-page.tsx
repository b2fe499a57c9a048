import { LiveSectionOverlay, PresenceAvatars, type PresencePerson, TeamChat } from '@wedsync/react-ui';
import { useSyncOverview } from '../layout/use-sync-overview.ts';

/** Team collaboration (R10.1): who is where in the app, and team chat. */
export function TeamPage({ people }: { people: readonly PresencePerson[] }) {
  const sync = useSyncOverview();
  return (
    <div className="page">
      <h1 className="page__title">Team</h1>
      <div className="page__columns">
        <section className="card" aria-label="Where the team is">
          <h2 className="ws-section-title">Where the team is</h2>
          <PresenceAvatars people={people} label="Team online" maxShown={8} />
          <ul className="team-list">
            {people.map((person) => (
              <li key={person.id} className="team-list__row" data-status={person.status}>
                <span className="team-list__dot" aria-hidden="true" />
                <strong>{person.name}</strong>
                <span className="ws-muted">
                  {person.status === 'idle' ? 'Idle' : 'Active'}
                  {person.location ? ` · ${person.location}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <div className="card">
          <LiveSectionOverlay
            label="Team chat"
            offline={sync.offline}
            lastSyncedAtMs={sync.lastSyncedAtMs}
            queuedChanges={sync.queuedChanges}
          >
            <TeamChat messages={[]} onSend={() => {}} disabled />
          </LiveSectionOverlay>
        </div>
      </div>
    </div>
  );
}
