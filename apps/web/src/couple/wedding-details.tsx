import { useQuery, useRecordStore, useSyncedChannel } from '@wedsync/react';
import { LiveSectionOverlay, type PresencePerson } from '@wedsync/react-ui';
import { useCallback, useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import { nameOf as presenceNameOf } from '../data/people-names.ts';
import { useRemoteFieldChanges } from '../data/use-remote-field-changes.ts';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import type { SessionUser } from '../session/session-api.ts';
import { CORE_FIELD_LABELS, coreFieldText } from '../wedding/core-field-labels.ts';
import { CoreFieldsPanel } from '../wedding/core-fields-panel.tsx';
import { useLockTracker } from '../wedding/use-wedding-locks.ts';
import { WeddingHistory } from '../wedding/wedding-history.tsx';

export interface WeddingDetailsProps {
  weddingId: string | null;
  me: SessionUser;
  people: readonly PresencePerson[];
  /** Couples edit; a supplier's view of a client is live read-only. */
  editable: boolean;
  /** Display names of authors (history); default: me and the people present. */
  nameOf?: (userId: string | undefined) => string;
}

/**
 * A wedding's core fields, live (R3.1–R3.3): the wedding channel is joined and bound to the record
 * store while shown; edits are optimistic and queued offline; others' changes glow and toast.
 */
export function WeddingDetails({ weddingId, me, people, editable, nameOf }: WeddingDetailsProps) {
  const store = useRecordStore();
  const toast = useToast();
  const sync = useSyncOverview();
  // Same presence key as useSharedPresence on this topic: whichever hook creates the channel sets it.
  const { channel } = useSyncedChannel(weddingId ? `wedding:${weddingId}` : null, { presence: { key: me.id } });
  const locks = useLockTracker(channel);
  const weddings = useQuery('weddings');
  const wedding = weddings.find((record) => record.id === weddingId);
  const [historyOpen, setHistoryOpen] = useState(false);
  const fallbackNameOf = useCallback((by: string | undefined) => presenceNameOf(by, me, people), [me, people]);
  const marks = useRemoteFieldChanges({
    c: 'weddings',
    id: weddingId,
    me,
    people,
    labels: CORE_FIELD_LABELS,
    format: coreFieldText,
  });

  return (
    <LiveSectionOverlay
      label="Wedding details"
      // The couple keeps editing offline (changes queue locally, R11.1); a supplier's live view greys (R11.3).
      offline={sync.offline && !editable}
      lastSyncedAtMs={sync.lastSyncedAtMs}
      queuedChanges={sync.queuedChanges}
    >
      {wedding ? (
        <>
          <h2 className="ws-section-title">{String(wedding.fields.title ?? 'Our wedding')}</h2>
          <CoreFieldsPanel
            wedding={wedding}
            editable={editable}
            locks={locks}
            marks={marks}
            onSet={(field, value) => {
              try {
                store.set('weddings', wedding.id, field, value, { topic: `wedding:${wedding.id}` });
              } catch (error) {
                toast({
                  tone: 'error',
                  importance: 'must-act',
                  message: `Could not save ${field}: ${(error as Error).message}`,
                });
              }
            }}
          />
          <button
            type="button"
            className="ws-button ws-button--small ws-button--ghost"
            aria-expanded={historyOpen}
            onClick={() => setHistoryOpen((open) => !open)}
          >
            {historyOpen ? 'Hide version history' : 'Version history'}
          </button>
          {historyOpen ? (
            <WeddingHistory
              channel={channel}
              weddingId={wedding.id}
              version={wedding.v}
              nameOf={nameOf ?? fallbackNameOf}
              canRollback={editable}
            />
          ) : null}
        </>
      ) : (
        <p className="ws-muted" role="status">
          Loading the wedding details…
        </p>
      )}
    </LiveSectionOverlay>
  );
}
