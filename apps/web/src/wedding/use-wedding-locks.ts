import type { Channel } from '@wedsync/client';
import { LockTracker } from '@wedsync/react';
import { useEffect, useState } from 'react';

/** One LockTracker per wedding channel while it is mounted (R4.1). */
export function useLockTracker(channel: Channel | null): LockTracker | null {
  const [tracker, setTracker] = useState<LockTracker | null>(null);
  useEffect(() => {
    if (!channel) {
      setTracker(null);
      return;
    }
    const created = new LockTracker(channel);
    setTracker(created);
    return () => created.dispose();
  }, [channel]);
  return tracker;
}
