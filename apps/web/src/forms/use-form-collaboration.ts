import { FieldDebouncer } from '@wedsync/client';
import { type Typing, useIdle, usePresence, useTyping } from '@wedsync/react';
import type { PresencePerson } from '@wedsync/react-ui';
import { useEffect, useMemo, useState } from 'react';
import { useLockTracker } from '../wedding/use-wedding-locks.ts';
import type { AssignmentData } from './use-assignment-data.ts';

export interface FormCollaboration {
  locks: ReturnType<typeof useLockTracker>;
  typing: Typing;
  debouncer: FieldDebouncer | null;
  /** Others on the form's channel filling this assignment now ("Currently filling", R3.4). */
  fillingNames: string[];
  /** Everyone else on the form's channel (avatars, R4.3). */
  present: PresencePerson[];
}

/**
 * The live side of one form on `form:{id}` (R3.4, R4.1, R4.3): my presence there (`Filling` for the
 * couple, `Viewing` for the supplier), who else is filling it, locks, typing notices, and the
 * debouncer of its inputs (R12.1; whatever is pending is saved when the form closes).
 */
export function useFormCollaboration(
  data: AssignmentData,
  assignmentId: string,
  me: { id: string; name: string },
  activity: 'Filling' | 'Viewing',
): FormCollaboration {
  const locks = useLockTracker(data.channel);
  const typing = useTyping(data.channel, me);
  const status = useIdle();
  const meta = useMemo(
    () => ({ userId: me.id, name: me.name, status, activity, assignmentId, location: data.title }),
    [me.id, me.name, status, activity, assignmentId, data.title],
  );
  const peers = usePresence(data.channel, meta);
  // Made in an effect so StrictMode's remount gets a fresh one; closing saves what is pending.
  const [debouncer, setDebouncer] = useState<FieldDebouncer | null>(null);
  useEffect(() => {
    const created = new FieldDebouncer({ unloadTarget: window, visibility: document });
    setDebouncer(created);
    return () => created.close();
  }, []);
  const others = peers.filter((peer) => peer.key !== me.id);
  const fillingNames = others
    .filter((peer) => peer.metas.some((m) => m.activity === 'Filling' && m.assignmentId === assignmentId))
    .map((peer) => peer.name);
  const present = others.map((peer): PresencePerson => {
    const person: PresencePerson = { id: peer.key, name: peer.name, status: peer.status };
    if (peer.activity) person.activity = peer.activity;
    return person;
  });
  return { locks, typing, debouncer, fillingNames, present };
}
