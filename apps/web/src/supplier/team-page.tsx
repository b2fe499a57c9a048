import { LiveSectionOverlay, PresenceAvatars, type PresencePerson } from '@wedsync/react-ui';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import { useSupplierScope } from './supplier-context.tsx';
import { TeamChatPanel } from './team-chat-panel.tsx';
import { TeamNotes } from './team-notes.tsx';
import { TeamTasks } from './team-tasks.tsx';

/**
 * Team collaboration (R10.1): where each member is in the app (presence on the team channel), shared
 * notes, task assignment and team chat — all live. Viewers read; the rest is disabled for them.
 */
export function TeamPage({ people }: { people: readonly PresencePerson[] }) {
  const scope = useSupplierScope();
  const sync = useSyncOverview();
  const viewer = scope.people.find((person) => person.id === scope.user.id)?.role === 'viewer';
  const overlay = { offline: sync.offline, lastSyncedAtMs: sync.lastSyncedAtMs, queuedChanges: sync.queuedChanges };
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
          <LiveSectionOverlay label="Team chat" {...overlay}>
            <TeamChatPanel disabled={viewer} />
          </LiveSectionOverlay>
        </div>
      </div>
      <div className="page__columns">
        <div className="card">
          <LiveSectionOverlay label="Tasks" {...overlay}>
            <TeamTasks disabled={viewer} />
          </LiveSectionOverlay>
        </div>
        <div className="card">
          <LiveSectionOverlay label="Shared notes" {...overlay}>
            <TeamNotes disabled={viewer} />
          </LiveSectionOverlay>
        </div>
      </div>
    </div>
  );
}
