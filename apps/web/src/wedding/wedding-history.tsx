import type { Channel } from '@wedsync/client';
import { useRecordHistory } from '@wedsync/react';
import { VersionHistoryPanel } from '@wedsync/react-ui';
import { fieldNameOf } from '@wedsync/wedding';
import { useMemo } from 'react';
import { versionEntries } from '../notes/version-entries.ts';
import { CORE_FIELD_LABELS, coreFieldText } from './core-field-labels.ts';

export interface WeddingHistoryProps {
  channel: Channel | null;
  weddingId: string;
  /** The wedding's current version: the panel reloads when it moves (anyone's edit, a rollback). */
  version: number;
  nameOf: (userId: string | undefined) => string;
  canRollback: boolean;
}

/** Version history of the wedding's core fields with rollback (R4.2: the rollback is a new, audited version). */
export function WeddingHistory({ channel, weddingId, version, nameOf, canRollback }: WeddingHistoryProps) {
  const history = useRecordHistory(channel, 'weddings', weddingId, { enabled: true, version });
  const versions = useMemo(
    () =>
      versionEntries(history.entries, {
        fieldNameOf: (f) => fieldNameOf('weddings', f),
        labels: CORE_FIELD_LABELS,
        format: coreFieldText,
        nameOf,
      }),
    [history.entries, nameOf],
  );
  return (
    <>
      {history.error ? (
        <p role="alert" className="ws-muted">
          Version history is not available: {history.error}
        </p>
      ) : null}
      <VersionHistoryPanel
        title="Version history of the wedding details"
        versions={versions}
        currentVersion={version}
        pendingVersion={history.rollingBack}
        disabled={!canRollback}
        onRollback={(to) => void history.rollback(to)}
      />
    </>
  );
}
