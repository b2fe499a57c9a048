import type { NetworkInformationLike } from '@wedsync/client';
import { CONSTRAINED_INTERVALS_MS, NetworkPolicy } from '@wedsync/client';
import { describe, expect, test } from 'vitest';
import { networkView } from '../src/mobile/network-view.ts';
import { DEFAULT_SYNC_PREFERENCES, loadSyncPreferences, saveSyncPreferences } from '../src/mobile/sync-preferences.ts';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('sync settings of this device', () => {
  test('R13.2 preferences survive a reload; missing or corrupt ones fall back to the defaults', () => {
    const storage = memoryStorage();
    expect(loadSyncPreferences(storage)).toEqual(DEFAULT_SYNC_PREFERENCES);
    saveSyncPreferences({ ...DEFAULT_SYNC_PREFERENCES, dataSaver: true, dataWarningMb: 10 }, storage);
    expect(loadSyncPreferences(storage)).toMatchObject({ dataSaver: true, dataWarningMb: 10, sharePresence: true });
    storage.setItem('wedsync.sync-settings.v1', '{not json');
    expect(loadSyncPreferences(storage)).toEqual(DEFAULT_SYNC_PREFERENCES);
    storage.setItem('wedsync.sync-settings.v1', JSON.stringify({ cellularMode: 'odd', dataWarningMb: -3 }));
    expect(loadSyncPreferences(storage)).toMatchObject({ cellularMode: 'full', dataWarningMb: 50 });
  });

  test('R13.1 R13.2 on mobile data the policy is constrained only with "reduced updates"; data saver always constrains', () => {
    const cellular: NetworkInformationLike = { type: 'cellular', effectiveType: '4g' };
    let liveOnCellular = true;
    const policy = new NetworkPolicy({ connection: networkView(cellular, () => liveOnCellular) });
    expect(policy.reason).toBeNull();
    liveOnCellular = false;
    expect(policy.reason).toBe('cellular');
    liveOnCellular = true;
    policy.setLowDataMode(true);
    expect(policy.reason).toBe('low-data-mode');
    expect(policy.intervalMs('typing')).toBe(CONSTRAINED_INTERVALS_MS.typing);
    policy.dispose();
  });

  test('R13.1 a slow link stays constrained whatever the cellular choice', () => {
    const policy = new NetworkPolicy({ connection: networkView({ effectiveType: '3g' }, () => true) });
    expect(policy.reason).toBe('slow-network');
    policy.dispose();
  });
});
