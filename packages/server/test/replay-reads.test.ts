import { describe, expect, it } from 'vitest';
import { LogBounds } from '../src/records/log-bounds.ts';
import { ReplayReads } from '../src/records/replay-reads.ts';
import type { StoredChange } from '../src/storage/storage.ts';

const change = (seq: number, scope = 's1'): StoredChange => ({
  seq,
  scope,
  c: 'items',
  id: `r${seq}`,
  v: 1,
  ops: [],
  by: 'u',
  at: '2025-05-01T10:00:00.000Z',
});

/** A log of changes in memory, its reads counted; `pruneThrough` moves the oldest retained seq. */
function fakeLog(changes: StoredChange[]) {
  let log = [...changes];
  let prunedThrough = 0;
  const counts = { changesSince: 0, oldestRetainedSeq: 0, headSeq: 0 };
  let failNext = false;
  const storage = {
    async changesSince(scopes: readonly string[], afterSeq: number, limit: number) {
      counts.changesSince++;
      if (failNext) {
        failNext = false;
        throw new Error('storage down');
      }
      return log.filter((row) => row.seq > afterSeq && scopes.includes(row.scope)).slice(0, limit);
    },
    async oldestRetainedSeq() {
      counts.oldestRetainedSeq++;
      return prunedThrough + 1;
    },
    async headSeq() {
      counts.headSeq++;
      return log.at(-1)?.seq ?? prunedThrough;
    },
  };
  return {
    storage,
    counts,
    append: (row: StoredChange) => log.push(row),
    pruneThrough(seq: number) {
      log = log.filter((row) => row.seq > seq);
      prunedThrough = seq;
    },
    failNextRead() {
      failNext = true;
    },
  };
}

function setup(changes: StoredChange[], maxHeldRows?: number) {
  const log = fakeLog(changes);
  let deliveredSeq = changes.at(-1)?.seq ?? 0;
  let stamp = 'linked-1';
  const bounds = new LogBounds(log.storage, () => deliveredSeq);
  const reads = new ReplayReads({
    storage: log.storage,
    bounds,
    deliveredSeq: () => deliveredSeq,
    linkStamp: () => stamp,
    ...(maxHeldRows === undefined ? {} : { maxHeldRows }),
  });
  return {
    log,
    bounds,
    reads,
    deliver(seq: number) {
      deliveredSeq = seq;
    },
    relink() {
      stamp = `${stamp}+`;
    },
  };
}

describe('ReplayReads: replay chunks shared by resuming members (issue 9)', () => {
  it('issue 9 members resuming the same scopes from the same seq share one read and one prune check', async () => {
    const { reads, log } = setup([change(1), change(2), change(3, 's2'), change(4)]);
    const chunks = await Promise.all(Array.from({ length: 50 }, () => reads.read(['s1'], 1, 500)));
    for (const chunk of chunks) expect(chunk).toEqual({ pruned: false, rows: [change(2), change(4)] });
    expect(log.counts).toEqual({ changesSince: 1, oldestRetainedSeq: 1, headSeq: 0 });
    // Other seqs, scopes or chunk sizes are other reads.
    await reads.read(['s1'], 2, 500);
    await reads.read(['s1', 's2'], 1, 500);
    await reads.read(['s1'], 1, 1);
    expect(log.counts.changesSince).toBe(4);
  });

  it('issue 9 R11.2 a read is not shared once the node delivered a change after it began', async () => {
    const { reads, log, deliver } = setup([change(1), change(2)]);
    expect(await reads.read(['s1'], 1, 500)).toEqual({ pruned: false, rows: [change(2)] });
    log.append(change(3));
    deliver(3);
    expect(await reads.read(['s1'], 1, 500)).toEqual({ pruned: false, rows: [change(2), change(3)] });
    expect(log.counts.changesSince).toBe(2);
  });

  it('issue 9 R11.2 a read is not shared once one of its scopes stopped and started being carried', async () => {
    const { reads, log, relink } = setup([change(1), change(2)]);
    await reads.read(['s1'], 1, 500);
    relink();
    await reads.read(['s1'], 1, 500);
    expect(log.counts.changesSince).toBe(2);
  });

  it('issue 9 R11.2 a prune after the oldest retained seq was cached still makes the chunk `pruned`', async () => {
    const { reads, bounds, log } = setup([change(1), change(2), change(3), change(4)]);
    expect(await bounds.knownPruned(1)).toBe(false);
    log.pruneThrough(3);
    // The cached bound is stale (another node pruned): it cannot tell…
    expect(await bounds.knownPruned(1)).toBe(false);
    // …but the read is confirmed against the oldest retained seq read after it.
    expect(await reads.read(['s1'], 1, 500)).toEqual({ pruned: true });
    expect(await bounds.knownPruned(1)).toBe(true);
    expect(await reads.read(['s1'], 3, 500)).toEqual({ pruned: false, rows: [change(4)] });
  });

  it('issue 9 the head is asked of storage only for a seq past the head the node knows of', async () => {
    const { bounds, log } = setup([change(1), change(2)]);
    expect(await bounds.isAhead(2)).toBe(false);
    expect(log.counts.headSeq).toBe(0);
    expect(await bounds.isAhead(3)).toBe(true);
    log.append(change(3));
    expect(await bounds.isAhead(3)).toBe(false);
    expect(log.counts.headSeq).toBe(2);
  });

  it('issue 9 a failed read is not kept: the next member reads again', async () => {
    const { reads, log } = setup([change(1), change(2)]);
    log.failNextRead();
    await expect(reads.read(['s1'], 1, 500)).rejects.toThrow('storage down');
    expect(await reads.read(['s1'], 1, 500)).toEqual({ pruned: false, rows: [change(2)] });
    expect(log.counts.changesSince).toBe(2);
  });

  it('issue 9 reads beyond the row budget are dropped, oldest first', async () => {
    const { reads, log } = setup([change(1), change(2), change(3), change(4)], 3);
    await reads.read(['s1'], 2, 500); // 2 rows
    await reads.read(['s1'], 1, 500); // 3 rows: over budget, the first is dropped
    expect(reads.size).toBe(1);
    await reads.read(['s1'], 1, 500);
    expect(log.counts.changesSince).toBe(2);
    await reads.read(['s1'], 2, 500);
    expect(log.counts.changesSince).toBe(3);
  });
});
