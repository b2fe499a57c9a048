import { describe, expect, it } from 'vitest';
import { CoalescedReads } from '../src/storage/coalesced-reads.ts';

/** A read whose every call waits until the test settles it; `calls` lists the keys read, in order. */
function controlledReads() {
  const calls: string[] = [];
  const pending: { key: string; resolve: (value: string) => void; reject: (error: Error) => void }[] = [];
  const reads = new CoalescedReads<string>(
    (key) =>
      new Promise((resolve, reject) => {
        calls.push(key);
        pending.push({ key, resolve, reject });
      }),
  );
  /** Settles the oldest unsettled read with `${key}#${n}` (n = its number among all reads). */
  const settleNext = async (error?: Error) => {
    const read = pending.shift();
    if (!read) throw new Error('no read in flight');
    if (error) read.reject(error);
    else read.resolve(`${read.key}#${calls.length - pending.length}`);
    for (let turn = 0; turn < 5; turn++) await undefined;
  };
  return { reads, calls, settleNext };
}

describe('CoalescedReads (issue 9)', () => {
  it('issue 9 callers arriving during a read share one follow-up read that began after all of them', async () => {
    const { reads, calls, settleNext } = controlledReads();
    const first = reads.get('scope-a');
    const later = [reads.get('scope-a'), reads.get('scope-a'), reads.get('scope-a')];
    expect(calls).toEqual(['scope-a']);
    await settleNext();
    expect(await first).toBe('scope-a#1');
    expect(calls).toEqual(['scope-a', 'scope-a']);
    await settleNext();
    expect(await Promise.all(later)).toEqual(['scope-a#2', 'scope-a#2', 'scope-a#2']);
    expect(reads.size).toBe(0);
  });

  it('issue 9 a caller arriving while the follow-up read runs gets a read of its own after it', async () => {
    const { reads, calls, settleNext } = controlledReads();
    const first = reads.get('k');
    const second = reads.get('k');
    await settleNext();
    const third = reads.get('k');
    await settleNext();
    await settleNext();
    expect([await first, await second, await third]).toEqual(['k#1', 'k#2', 'k#3']);
    expect(calls).toEqual(['k', 'k', 'k']);
  });

  it('issue 9 keys are read independently', async () => {
    const { reads, calls, settleNext } = controlledReads();
    const a = reads.get('a');
    const b = reads.get('b');
    expect(calls).toEqual(['a', 'b']);
    await settleNext();
    await settleNext();
    expect([await a, await b]).toEqual(['a#1', 'b#2']);
  });

  it('issue 9 a failed read fails its callers only; the follow-up and later calls read again', async () => {
    const { reads, settleNext } = controlledReads();
    const failing = reads.get('k');
    const followUp = reads.get('k');
    await settleNext(new Error('storage down'));
    await expect(failing).rejects.toThrow('storage down');
    await settleNext();
    expect(await followUp).toBe('k#2');
    const after = reads.get('k');
    await settleNext();
    expect(await after).toBe('k#3');
  });
});
