import {
  ActivityFeed,
  type ActivityItem,
  AnimatedMetric,
  CalendarWeek,
  ClientList,
  ConflictDialog,
  ConnectionIndicator,
  type ConnectionStateName,
  EditingWarning,
  FieldGlow,
  FormFillStatus,
  JourneyProgress,
  LastUpdated,
  LiveSectionOverlay,
  LockedField,
  NotificationCenter,
  PresenceAvatars,
  StaleValueWarning,
  TypingIndicator,
  VersionHistoryPanel,
} from '@wedsync/react-ui';
import { useMemo, useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import {
  NOTIFICATION_TYPES,
  sampleActivity,
  sampleClients,
  sampleEvents,
  sampleJourney,
  sampleNotifications,
  sampleVersions,
} from './gallery-samples.ts';

const STATES: ConnectionStateName[] = ['connected', 'connecting', 'reconnecting', 'disconnected', 'error'];

/**
 * The component gallery at /gallery: every building block with sample props, to review the design and
 * to measure behaviour in a real browser (e.g. 1,000 incoming activity items without a long task).
 */
export function GalleryPage() {
  const toast = useToast();
  const [activity, setActivity] = useState<ActivityItem[]>(() => sampleActivity(5));
  const [guests, setGuests] = useState(120);
  const [notifications, setNotifications] = useState(() => sampleNotifications());
  const [conflictOpen, setConflictOpen] = useState(false);
  const clients = useMemo(() => sampleClients(), []);
  const journey = useMemo(() => sampleJourney(), []);
  const calendar = useMemo(() => sampleEvents(), []);
  const versions = useMemo(() => sampleVersions(), []);

  return (
    <main className="gallery">
      <h1 className="page__title">Component gallery</h1>
      <p className="ws-muted">Sample data only. The dashboards show live data.</p>

      <section className="card gallery__section" aria-label="Connection indicator states">
        <h2 className="ws-section-title">Connection indicator</h2>
        <div className="ws-row gallery__states">
          {STATES.map((state) => (
            <ConnectionIndicator
              key={state}
              state={state}
              attempt={2}
              latencyMs={42}
              channels={['supplier:lenslight']}
              onReconnect={() => {}}
            />
          ))}
          <ConnectionIndicator state="connected" latencyMs={2400} />
        </div>
      </section>

      <section className="card gallery__section" aria-label="Live feedback">
        <h2 className="ws-section-title">Live feedback</h2>
        <div className="gallery__grid">
          <FieldGlow changeKey={guests} mark="Updated by James">
            <div className="ws-field">
              <span className="ws-field__label">Guest count</span>
              <strong className="gallery__value">{guests}</strong>
              <LastUpdated atMs={Date.now()} byName="James" />
            </div>
          </FieldGlow>
          <LockedField label="Venue" value="Oakwood Hall, Surrey" holderName="Sarah" />
          <div className="ws-field">
            <TypingIndicator names={['Jane']} />
            <EditingWarning editorNames={['Bob']} />
          </div>
          <StaleValueWarning
            fieldLabel="guest count"
            currentValue={150}
            changedByName="Emma"
            onOverwrite={() => {}}
            onUseCurrent={() => {}}
          />
          <FormFillStatus
            formName="Timeline form"
            fillingByName="Emma"
            answered={7}
            total={12}
            lastSavedAtMs={Date.now() - 30_000}
          />
          <PresenceAvatars
            people={[
              { id: 'u-emma', name: 'Emma Wilson', status: 'active', activity: 'Viewing' },
              { id: 'u-bob', name: 'Bob Turner', status: 'idle' },
              { id: 'u-sarah', name: 'Sarah Bennett', status: 'active' },
            ]}
          />
        </div>
        <div className="ws-row">
          <button
            type="button"
            className="ws-button"
            onClick={() => {
              const next = guests + 30;
              setGuests(next);
              toast({ message: `James changed guest count ${guests} → ${next}`, tone: 'info' });
            }}
          >
            Simulate a remote guest-count change
          </button>
          <button
            type="button"
            className="ws-button"
            onClick={() => toast({ message: 'Sign in again to keep syncing', importance: 'must-act', tone: 'error' })}
          >
            Show a must-act notice
          </button>
          <button type="button" className="ws-button" onClick={() => setConflictOpen(true)}>
            Open conflict dialog
          </button>
          <NotificationCenter
            notifications={notifications}
            typeLabels={NOTIFICATION_TYPES}
            onMarkRead={(id, read) =>
              setNotifications((list) => list.map((entry) => (entry.id === id ? { ...entry, read } : entry)))
            }
            onClearAll={() => setNotifications([])}
            settingsHref="/gallery#settings"
          />
        </div>
      </section>

      <section className="metrics-grid" aria-label="Metrics">
        <AnimatedMetric label="Guests" value={guests} />
        <AnimatedMetric
          label="Revenue this month"
          value={guests * 91}
          format={(value) => `£${Math.round(value).toLocaleString()}`}
        />
      </section>

      <div className="page__columns">
        <div className="card">
          <ActivityFeed items={activity} />
          <div className="ws-row gallery__actions">
            <button
              type="button"
              className="ws-button"
              onClick={() => setActivity((items) => [...sampleActivity(1, items.length), ...items])}
            >
              Add one activity
            </button>
            <button
              type="button"
              className="ws-button"
              onClick={() => setActivity((items) => [...sampleActivity(1000, items.length), ...items])}
            >
              Add 1,000 activities
            </button>
          </div>
        </div>
        <div className="card">
          <ClientList clients={clients} />
        </div>
        <div className="card">
          <JourneyProgress
            journeyName="Wedding journey"
            clientName="Emma & James"
            stages={journey.stages}
            progress={0.5}
            nextActionLabel="reminder email"
            nextActionAtMs={journey.nextActionAtMs}
          />
        </div>
        <div className="card">
          <VersionHistoryPanel
            versions={versions}
            currentVersion={4}
            onRollback={(v) => toast({ message: `Rolled back to version ${v}` })}
          />
        </div>
      </div>

      <div className="card">
        <CalendarWeek weekStartMs={calendar.weekStartMs} events={calendar.events} onMove={() => {}} />
      </div>

      <div className="card">
        <LiveSectionOverlay label="Team chat" offline lastSyncedAtMs={Date.now() - 120_000} queuedChanges={3}>
          <p>Real-time section content</p>
        </LiveSectionOverlay>
      </div>

      {conflictOpen ? (
        <ConflictDialog
          fieldLabel="Dietary notes"
          base="No nuts"
          mine="No nuts, vegan option"
          theirs="No nuts or shellfish"
          theirsByName="Sarah"
          theirsAtMs={Date.now() - 60_000}
          onResolve={(choice) => {
            setConflictOpen(false);
            toast({ message: `Resolved: ${choice.kind}`, tone: 'success' });
          }}
          onCancel={() => setConflictOpen(false)}
        />
      ) : null}
    </main>
  );
}
