import type { Outbox } from '../outbox/outbox.ts';
import type { PendingWrites } from './device-sync.ts';

/**
 * The record store's outbox as DeviceSync's source of pending writes: a topic has writes waiting
 * while one of its mutations is queued or in flight (an acknowledged one only waits for its echo,
 * which the catch-up on resume brings).
 */
export function outboxPendingWrites(outbox: Pick<Outbox, 'entries' | 'on'>): PendingWrites {
  return {
    has: (topic) => outbox.entries().some((entry) => entry.mutation.topic === topic && entry.state !== 'acked'),
    subscribe(listener) {
      const offProgress = outbox.on('progress', () => listener());
      const offAcked = outbox.on('acked', () => listener());
      return () => {
        offProgress();
        offAcked();
      };
    },
  };
}
