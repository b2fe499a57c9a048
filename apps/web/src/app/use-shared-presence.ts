import { type PresencePeer, useChannel, useIdle, usePresence } from '@wedsync/react';
import type { PresencePerson } from '@wedsync/react-ui';
import { useMemo } from 'react';
import { useDeviceSyncState } from '../mobile/device-sync-provider.tsx';
import type { SessionUser } from '../session/session-api.ts';

/**
 * Presence on a shared channel (R4.3, R10.1): tracks me with my active/idle state and where I am in
 * the app, returns everyone present as avatars. `visible: false` hides me (R14.2).
 */
export function useSharedPresence(
  topic: string | null,
  user: SessionUser,
  where: { location: string; activity?: string },
  visible = true,
): PresencePerson[] {
  // This device's "Show others when I am here" setting (R13.2, R14.2) can hide me everywhere.
  const deviceSync = useDeviceSyncState();
  const shown = visible && (deviceSync?.preferences.sharePresence ?? true);
  const { channel } = useChannel(topic, { presence: { key: user.id } });
  const status = useIdle();
  const meta = useMemo(
    () =>
      shown
        ? { name: user.name, status, location: where.location, ...(where.activity ? { activity: where.activity } : {}) }
        : null,
    [shown, user.name, status, where.location, where.activity],
  );
  const peers = usePresence(channel, meta);
  return useMemo(() => peers.map(toPerson), [peers]);
}

/** The person's user id travels in the meta: the presence key may be another hook's (one channel, one key). */
function toPerson(peer: PresencePeer): PresencePerson {
  const userId = peer.metas.find((meta) => typeof meta.userId === 'string')?.userId;
  const person: PresencePerson = {
    id: typeof userId === 'string' ? userId : peer.key,
    name: peer.name,
    status: peer.status,
  };
  if (peer.activity) person.activity = peer.activity;
  if (peer.location) person.location = peer.location;
  return person;
}
