import {
  DeviceSync,
  type EphemeralKind,
  NetworkPolicy,
  outboxPendingWrites,
  type RealtimeClient,
  type RecordStore,
  systemTimers,
} from '@wedsync/client';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { browserConnection, networkView } from './network-view.ts';
import { loadSyncPreferences, type SyncPreferences, saveSyncPreferences } from './sync-preferences.ts';

export interface DeviceSyncState {
  /** Null until the first effect ran (and outside a provider). */
  deviceSync: DeviceSync | null;
  preferences: SyncPreferences;
  setPreferences(next: SyncPreferences): void;
  /** Why updates are thinned out now (R13.1), or null. Re-read on every network or preference change. */
  constraint: string | null;
  /** Which variant of a photo to fetch: `small` on cellular, a slow link, data saver or low data mode (R13.1, issue 8 item 3). */
  mediaVariant: 'full' | 'small';
}

const DeviceSyncContext = createContext<DeviceSyncState | null>(null);

/** `supplier:{id}`, `couple:{id}` — the primary channels of R1.2. */
const PRIMARY_TOPIC = /^(supplier|couple):[^:]+$/;
/** `supplier:{id}:team`: where the team sees each other (idle, not gone, while a tab is hidden). */
const TEAM_TOPIC = /^supplier:[^:]+:team$/;

export interface DeviceSyncProviderProps {
  client: RealtimeClient;
  store: RecordStore;
  children: ReactNode;
}

/**
 * R13.1 device-aware sync for the whole app, driven by this device's sync settings (R13.2):
 * - hidden tab → every non-critical channel is left (and rejoined with a catch-up when visible);
 *   critical: the primary channels, the team channel, and any channel I am visibly present on
 *   (others then see me idle rather than gone);
 * - low battery (when "pause on low battery" is on) → the same, while visible;
 * - after a reconnect or resume the channels the shown page holds join first, then the critical ones;
 * - data saver, or mobile data with "reduced updates" → the NetworkPolicy is constrained and
 *   ephemeral updates sent through `useEphemeralSend` (drag previews, typing) are spaced out;
 * - mobile data (whatever the updates choice), a slow link or data saver → photos are fetched in their
 *   small variant (`useMediaVariant`).
 */
export function DeviceSyncProvider({ client, store, children }: DeviceSyncProviderProps) {
  const [preferences, setPreferencesState] = useState<SyncPreferences>(() => loadSyncPreferences());
  const [deviceSync, setDeviceSync] = useState<DeviceSync | null>(null);
  const [constraint, setConstraint] = useState<string | null>(null);
  const preferencesRef = useRef(preferences);
  preferencesRef.current = preferences;
  const [network] = useState(
    () =>
      new NetworkPolicy({
        connection: networkView(browserConnection(), () => preferencesRef.current.cellularMode === 'full'),
        lowDataMode: preferences.dataSaver,
      }),
  );

  // Photos (R13.1 "images compressed harder"): small on any cellular link, slow link or data saver.
  // "Live updates on mobile data" is about update rates, so this policy sees the raw connection.
  const [media] = useState(
    () => new NetworkPolicy({ connection: browserConnection(), lowDataMode: preferences.dataSaver }),
  );
  const [mediaVariant, setMediaVariant] = useState(() => media.mediaVariant());

  useEffect(() => {
    setConstraint(network.reason);
    return network.onChange(() => setConstraint(network.reason));
  }, [network]);
  useEffect(() => () => network.dispose(), [network]);
  useEffect(() => {
    setMediaVariant(media.mediaVariant());
    const off = media.onChange(() => setMediaVariant(media.mediaVariant()));
    return () => {
      off();
      media.dispose();
    };
  }, [media]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the cellular choice is read through preferencesRef by the network view; re-check when it changes.
  useEffect(() => {
    // setLowDataMode re-reads the whole policy, so a changed cellular choice applies here too.
    network.setLowDataMode(preferences.dataSaver);
    setConstraint(network.reason);
    media.setLowDataMode(preferences.dataSaver);
    setMediaVariant(media.mediaVariant());
  }, [network, media, preferences.dataSaver, preferences.cellularMode]);

  const pauseOnLowBattery = preferences.pauseOnLowBattery;
  useEffect(() => {
    const isCritical = (topic: string) =>
      PRIMARY_TOPIC.test(topic) ||
      TEAM_TOPIC.test(topic) ||
      client.channels().some((channel) => channel.topic === topic && channel.trackedPresence !== null);
    const device = new DeviceSync({
      client,
      timers: systemTimers,
      isCritical,
      // On screen: the channels the mounted pages hold (their scopes) that are not always-joined ones.
      visibleTopics: () =>
        client
          .channels()
          .filter((channel) => channel.isHeld && !isCritical(channel.topic))
          .map((channel) => channel.topic),
      network,
      ...(pauseOnLowBattery ? {} : { battery: null }),
      pendingWrites: outboxPendingWrites(store.outbox),
      onError: (error) => console.warn('[wedsync/device-sync]', error),
    });
    setDeviceSync(device);
    return () => {
      const paused = device.paused;
      device.dispose();
      // A policy replaced while it held channels paused hands them back joined.
      for (const channel of client.channels()) {
        if (paused.includes(channel.topic) && channel.state === 'closed') channel.join().catch(() => undefined);
      }
    };
  }, [client, store, network, pauseOnLowBattery]);

  const setPreferences = useCallback((next: SyncPreferences) => {
    saveSyncPreferences(next);
    setPreferencesState(next);
  }, []);

  const value = useMemo(
    () => ({ deviceSync, preferences, setPreferences, constraint, mediaVariant }),
    [deviceSync, preferences, setPreferences, constraint, mediaVariant],
  );
  return <DeviceSyncContext.Provider value={value}>{children}</DeviceSyncContext.Provider>;
}

/** The device sync state, or null outside a provider (e.g. the gallery). */
export function useDeviceSyncState(): DeviceSyncState | null {
  return useContext(DeviceSyncContext);
}

/** The photo variant this device fetches now (R13.1): `full` outside a provider. */
export function useMediaVariant(): 'full' | 'small' {
  return useContext(DeviceSyncContext)?.mediaVariant ?? 'full';
}

/**
 * Sends an ephemeral update (R13.1) at the rate the network and battery allow: per key the newest
 * value wins, so a burst of drag positions becomes one message per interval. Without a provider it
 * sends at once.
 */
export function useEphemeralSend(): <T>(kind: EphemeralKind, key: string, value: T, send: (value: T) => void) => void {
  const deviceSync = useContext(DeviceSyncContext)?.deviceSync ?? null;
  return useCallback(
    <T,>(kind: EphemeralKind, key: string, value: T, send: (value: T) => void) => {
      if (deviceSync) deviceSync.submit(kind, key, value, send);
      else send(value);
    },
    [deviceSync],
  );
}
