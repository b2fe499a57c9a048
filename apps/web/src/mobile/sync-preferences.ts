import type { SyncSettings } from '@wedsync/react-ui';

/** This device's sync preferences (R13.1, R13.2): the panel's settings plus the data-usage warning level. */
export interface SyncPreferences extends SyncSettings {
  /** Warn in the mobile top bar once today's realtime traffic passes this many MB. Default 50. */
  dataWarningMb: number;
}

export const DEFAULT_SYNC_PREFERENCES: SyncPreferences = {
  cellularMode: 'full',
  dataSaver: false,
  pauseOnLowBattery: true,
  sharePresence: true,
  dataWarningMb: 50,
};

/** The warning levels offered in sync settings, in MB. */
export const DATA_WARNING_LEVELS_MB = [1, 10, 50, 200] as const;

const KEY = 'wedsync.sync-settings.v1';

/** Preferences are per device (this browser's localStorage), not per account: a phone on cellular differs from a desk. */
export function loadSyncPreferences(
  storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null,
): SyncPreferences {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return DEFAULT_SYNC_PREFERENCES;
    const parsed = JSON.parse(raw) as Partial<SyncPreferences>;
    return {
      cellularMode: parsed.cellularMode === 'reduced' ? 'reduced' : 'full',
      dataSaver: parsed.dataSaver === true,
      pauseOnLowBattery: parsed.pauseOnLowBattery !== false,
      sharePresence: parsed.sharePresence !== false,
      dataWarningMb:
        typeof parsed.dataWarningMb === 'number' && parsed.dataWarningMb > 0
          ? parsed.dataWarningMb
          : DEFAULT_SYNC_PREFERENCES.dataWarningMb,
    };
  } catch {
    return DEFAULT_SYNC_PREFERENCES;
  }
}

export function saveSyncPreferences(
  preferences: SyncPreferences,
  storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage ?? null,
): void {
  try {
    storage?.setItem(KEY, JSON.stringify(preferences));
  } catch {
    // Storage full or disabled: the preferences last for this page only.
  }
}
