import type { Channel, PresenceView } from '@wedsync/client';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

/** One person on a channel, merged over their tabs/devices (one presence key each). */
export interface PresencePeer {
  key: string;
  name: string;
  /** Active if any of their tabs is active (R4.3). */
  status: 'active' | 'idle';
  /** Latest values from their metas, e.g. "Viewing", a screen name, a cursor. */
  activity?: string;
  location?: string;
  metas: readonly Record<string, unknown>[];
}

/** Folds a presence view into one peer per key; `name` falls back to the key. */
export function presencePeers(view: PresenceView): PresencePeer[] {
  return Object.entries(view)
    .filter(([, entries]) => entries.length > 0)
    .map(([key, entries]) => {
      const last: Record<string, unknown> = entries[entries.length - 1] ?? {};
      const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
      const peer: PresencePeer = {
        key,
        name: text(last.name) ?? key,
        status: entries.some((entry) => entry.status !== 'idle') ? 'active' : 'idle',
        metas: entries,
      };
      const activity = text(last.activity);
      const location = text(last.location);
      if (activity) peer.activity = activity;
      if (location) peer.location = location;
      return peer;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Tracks this client on `channel` with `meta` (re-tracked when `meta` changes; the SDK re-tracks after
 * every rejoin) and returns everyone present. Pass `meta: null` to be invisible (R14.2 presence off).
 * `meta` should be memoised by the caller; it is compared by JSON.
 */
export function usePresence(channel: Channel | null, meta: Record<string, unknown> | null): PresencePeer[] {
  const metaKey = meta ? JSON.stringify(meta) : null;

  useEffect(() => {
    if (!channel) return;
    // Presence switched off while mounted: leave the others' lists now, not at the next mount.
    if (metaKey === null) {
      if (channel.trackedPresence) void channel.untrack().catch(() => undefined);
      return;
    }
    void channel.track(JSON.parse(metaKey) as Record<string, unknown>).catch(() => undefined);
  }, [channel, metaKey]);

  useEffect(() => {
    if (!channel) return;
    return () => {
      if (channel.trackedPresence) void channel.untrack().catch(() => undefined);
    };
  }, [channel]);

  const [store] = useState(() => new PresenceSnapshots());
  const subscribe = useCallback((onChange: () => void) => store.subscribe(channel, onChange), [store, channel]);
  const read = useCallback(() => store.read(channel), [store, channel]);
  return useSyncExternalStore(subscribe, read, read);
}

/** Caches presencePeers() per channel so useSyncExternalStore gets a stable snapshot between syncs. */
class PresenceSnapshots {
  private channel: Channel | null = null;
  private peers: PresencePeer[] = [];
  private dirty = true;

  subscribe(channel: Channel | null, onChange: () => void): () => void {
    if (!channel) return () => {};
    return channel.onPresence('sync', () => {
      this.dirty = true;
      onChange();
    });
  }

  read(channel: Channel | null): PresencePeer[] {
    if (channel !== this.channel) {
      this.channel = channel;
      this.dirty = true;
    }
    if (this.dirty) {
      this.peers = channel ? presencePeers(channel.presenceState()) : [];
      this.dirty = false;
    }
    return this.peers;
  }
}
