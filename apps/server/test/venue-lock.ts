import type { LockStatePayload } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import type { ReceivedFrame } from '../../../packages/server/test/fixtures/sync-test-client.ts';

/** Emma and James's wedding topic, where the lock tests take the venue's lock. */
export const WEDDING = 'wedding:w-emma-james';
export const VENUE = fieldIdOf('weddings', 'venue');

/** Matches the `lock_state` frame on WEDDING announcing the venue field of w-emma-james held (or free). */
export const venueLock = (held: boolean) => (frame: ReceivedFrame) => {
  const lock = frame.payload as LockStatePayload;
  return (
    frame.topic === WEDDING &&
    frame.event === 'lock_state' &&
    lock.id === 'w-emma-james' &&
    lock.f === VENUE &&
    (lock.holder !== null) === held
  );
};
