import type { Mutation } from '@wedsync/protocol';
import type { OutboxEntry } from './outbox-types.ts';
import type { QueuedMutation } from './queue-storage.ts';

/** The default send-order rule: any two mutations of one record go one after the other. */
export const sameRecord = (a: OutboxEntry, b: OutboxEntry): boolean =>
  a.mutation.c === b.mutation.c && a.mutation.id === b.mutation.id;

/**
 * The next batch (R11.2, R12.2): the run of queued entries from the first queued one, on its topic,
 * in order, at most `limit`, only saved ones (`mid` ≤ `persistedMid`), stopping at the first entry
 * that must wait for an unsettled earlier one (acknowledged before it, or already in the batch).
 */
export function nextBatch(
  entries: readonly OutboxEntry[],
  rules: { limit: number; persistedMid: number; mustWaitFor: (later: OutboxEntry, earlier: OutboxEntry) => boolean },
): OutboxEntry[] | null {
  const headIndex = entries.findIndex((entry) => entry.state === 'queued');
  const head = entries[headIndex];
  if (!head) return null;
  const before = entries.slice(0, headIndex);
  const batch: OutboxEntry[] = [];
  for (const entry of entries.slice(headIndex)) {
    const m = entry.mutation;
    if (entry.state !== 'queued' || m.topic !== head.mutation.topic || batch.length >= rules.limit) break;
    if (m.mid > rules.persistedMid) break;
    if (before.concat(batch).some((other) => rules.mustWaitFor(entry, other))) break;
    batch.push(entry);
  }
  return batch.length > 0 ? batch : null;
}

export function saveEntry(entry: OutboxEntry): QueuedMutation {
  const { acked: _acked, ackedSeq: _ackedSeq, sentBase: _sentBase, ...mutation } = entry.mutation;
  return {
    ...mutation,
    ...(entry.state === 'acked' ? { acked: true as const } : {}),
    ...(entry.ackedSeq !== undefined ? { ackedSeq: entry.ackedSeq } : {}),
    ...(entry.sentBase !== undefined ? { sentBase: entry.sentBase } : {}),
  };
}

/** A saved entry that was sending when the page went away is queued again (same mid: replay-safe). */
export function restoreEntry(saved: QueuedMutation): OutboxEntry {
  const { acked, ackedSeq, sentBase, ...mutation } = saved;
  return { mutation, state: acked ? 'acked' : 'queued', ackedSeq, sentBase };
}

export function toWire(mutation: QueuedMutation): Mutation {
  const wire: Mutation = { mid: mutation.mid, c: mutation.c, id: mutation.id, base: mutation.base, ops: mutation.ops };
  if (mutation.del) wire.del = true;
  return wire;
}
