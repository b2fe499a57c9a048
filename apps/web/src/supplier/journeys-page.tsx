import { useQuery } from '@wedsync/react';
import { JourneyProgress, LiveSectionOverlay, useNow } from '@wedsync/react-ui';
import { useMemo } from 'react';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import { journeyRunView } from './journey-view.ts';

/**
 * Every running journey of the supplier's clients (R8.1, R8.2): the `journey_runs` records live from
 * the record store, each with its journey's stages — progress bar, current stage, checkmarks, failure
 * warnings and the countdown to the next action. The server's scheduler writes the runs; this page
 * only reads them.
 */
export function JourneysPage() {
  const sync = useSyncOverview();
  const journeys = useQuery('journeys');
  const runs = useQuery('journey_runs');
  const weddings = useQuery('weddings');
  // Re-derive the plan once a minute (a wait may end); the countdown itself ticks inside JourneyProgress.
  const nowMs = useNow(60_000);
  const views = useMemo(() => {
    const journeyById = new Map(journeys.map((journey) => [journey.id, journey]));
    const weddingById = new Map(weddings.map((wedding) => [wedding.id, wedding]));
    return runs.flatMap((run) => {
      const journey = journeyById.get(String(run.fields.journeyId));
      if (!journey) return [];
      const view = journeyRunView(journey.fields, run.fields, nowMs);
      if (!view) return [];
      const wedding = weddingById.get(String(run.fields.weddingId));
      return [
        {
          id: run.id,
          journeyName: String(journey.fields.name ?? 'Journey'),
          clientName: String(wedding?.fields.title ?? run.fields.weddingId ?? ''),
          view,
        },
      ];
    });
  }, [journeys, runs, weddings, nowMs]);

  return (
    <div className="page">
      <h1 className="page__title">Journeys</h1>
      <LiveSectionOverlay
        label="Journeys"
        offline={sync.offline}
        lastSyncedAtMs={sync.lastSyncedAtMs}
        queuedChanges={sync.queuedChanges}
      >
        <div className="journey-grid">
          {views.length === 0 ? <p className="ws-muted">No journey is running.</p> : null}
          {views.map(({ id, journeyName, clientName, view }) => (
            <div key={id} className="card" data-status={view.status}>
              <JourneyProgress
                journeyName={journeyName}
                clientName={clientName}
                stages={view.stages}
                progress={view.progress}
                nextActionLabel={view.nextActionLabel}
                nextActionAtMs={view.nextActionAtMs}
              />
            </div>
          ))}
        </div>
      </LiveSectionOverlay>
    </div>
  );
}
