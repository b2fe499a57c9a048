import { useRealtimeClient, useRecordStore } from '@wedsync/react';
import { type ReactNode, useCallback, useState } from 'react';
import { catchUp } from './catch-up.ts';
import { useDeviceSyncState } from './device-sync-provider.tsx';
import { MobileSyncSheet } from './mobile-sync-sheet.tsx';
import { DEFAULT_SYNC_PREFERENCES } from './sync-preferences.ts';
import { useDataUsage } from './use-data-usage.ts';

const MB = 1024 * 1024;

export interface MobileSync {
  /** For MobileTopBar: this session's realtime traffic and the warning level (R13.2). */
  dataUsageBytes: number;
  dataUsageWarnBytes: number;
  /** Pull-to-refresh / "Sync now": a forced catch-up (resolves when the store synced, or timed out). */
  refresh: () => Promise<boolean>;
  /** The sync settings sheet. */
  sheet: (props: { lastSyncedAtMs: number | null; onClose: () => void }) => ReactNode;
}

/** What the shell shows on a phone (R13.2): data usage, pull-to-refresh and the sync settings sheet. */
export function useMobileSync(): MobileSync {
  const client = useRealtimeClient();
  const store = useRecordStore();
  const state = useDeviceSyncState();
  const usage = useDataUsage(client);
  const [syncing, setSyncing] = useState(false);
  const preferences = state?.preferences ?? DEFAULT_SYNC_PREFERENCES;

  const refresh = useCallback(async () => {
    setSyncing(true);
    try {
      return await catchUp(client, store);
    } finally {
      setSyncing(false);
    }
  }, [client, store]);

  return {
    dataUsageBytes: usage.sessionSent + usage.sessionReceived,
    dataUsageWarnBytes: preferences.dataWarningMb * MB,
    refresh,
    sheet: ({ lastSyncedAtMs, onClose }) => (
      <MobileSyncSheet
        preferences={preferences}
        onChange={(next) => state?.setPreferences(next)}
        onClose={onClose}
        usage={usage}
        lastSyncedAtMs={lastSyncedAtMs}
        constraint={state?.constraint ?? null}
        pauseReason={state?.deviceSync?.pauseReason ?? null}
        onSyncNow={() => void refresh()}
        syncing={syncing}
      />
    ),
  };
}
