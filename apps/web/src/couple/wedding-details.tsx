import { LastUpdated, LiveSectionOverlay } from '@wedsync/react-ui';
import { useSyncOverview } from '../layout/use-sync-overview.ts';

/**
 * The couple's core fields (R3.1–R3.3): date, venue, guest count, contact, timeline. Editable fields
 * with locks, glow and toasts are wired to the record store once it lands; until then: the layout.
 */
export function WeddingDetails({ section }: { section: string }) {
  const sync = useSyncOverview();
  return (
    <div className="page">
      <h1 className="page__title">{section}</h1>
      <div className="card">
        <LiveSectionOverlay
          label={section}
          offline={sync.offline}
          lastSyncedAtMs={sync.lastSyncedAtMs}
          queuedChanges={sync.queuedChanges}
        >
          <p className="ws-muted">Your wedding details appear here as soon as they have synced.</p>
          <LastUpdated atMs={null} />
        </LiveSectionOverlay>
      </div>
    </div>
  );
}
