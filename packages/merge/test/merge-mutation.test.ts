import type { FieldOp } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import {
  applyOps,
  type CommittedVersion,
  concurrentManualFields,
  type Fields,
  MergeError,
  mergeMutation,
  rebasePending,
} from '../src/index.ts';
import { NOTE, notes } from './note-schema.ts';

/** A tiny in-memory record with history, enough to feed mergeMutation. */
function recordWith(versions: { ops: FieldOp[]; by: string; cid?: string; mid?: number; base?: number }[]) {
  const fieldsAt: Fields[] = [{}];
  const history: CommittedVersion[] = [];
  versions.forEach((version, index) => {
    fieldsAt.push(applyOps(notes, fieldsAt[index]!, version.ops));
    history.push({ ...version, v: index + 1, atMs: Date.UTC(2025, 5, 1, 12, index) });
  });
  return { fieldsAt, history, current: fieldsAt[fieldsAt.length - 1]!, v: versions.length };
}

function merge(
  record: ReturnType<typeof recordWith>,
  base: number,
  ops: FieldOp[],
  origin?: { cid: string; mid: number },
) {
  return mergeMutation({
    collection: notes,
    currentFields: record.current,
    currentVersion: record.v,
    baseVersion: base,
    baseFields: record.fieldsAt[base]!,
    ops,
    committedSince: record.history.slice(base),
    clientId: origin?.cid,
    mid: origin?.mid,
  });
}

describe('mergeMutation', () => {
  it('R10.2 merges edits of different fields made on the same base without conflict', () => {
    const record = recordWith([
      { ops: [{ k: 'set', f: NOTE.budget, v: 100 }], by: 'ann' },
      { ops: [{ k: 'set', f: NOTE.title, v: 'Ann' }], by: 'ann' },
    ]);
    const result = merge(record, 1, [{ k: 'set', f: NOTE.budget, v: 150 }]);
    expect(result.conflicts).toEqual([]);
    expect(result.fields).toEqual({ [NOTE.budget]: 150, [NOTE.title]: 'Ann' });
  });

  it('R4.2 lww: the later write wins even against a concurrent change', () => {
    const record = recordWith([
      { ops: [{ k: 'set', f: NOTE.title, v: 'a' }], by: 'ann' },
      { ops: [{ k: 'set', f: NOTE.title, v: 'b' }], by: 'bob' },
    ]);
    const result = merge(record, 1, [{ k: 'set', f: NOTE.title, v: 'c' }]);
    expect(result.fields[NOTE.title]).toBe('c');
    expect(result.conflicts).toEqual([]);
  });

  it('R4.2 manual: a set against a changed value is dropped and returned as a conflict with base, mine, theirs, who, when', () => {
    const record = recordWith([
      { ops: [{ k: 'set', f: NOTE.budget, v: 100 }], by: 'ann' },
      { ops: [{ k: 'set', f: NOTE.budget, v: 200 }], by: 'bob' },
    ]);
    const result = merge(record, 1, [
      { k: 'set', f: NOTE.budget, v: 300 },
      { k: 'set', f: NOTE.title, v: 'kept' },
    ]);
    expect(result.ops).toEqual([{ k: 'set', f: NOTE.title, v: 'kept' }]);
    expect(result.fields[NOTE.budget]).toBe(200);
    expect(result.conflicts).toEqual([
      { f: NOTE.budget, base: 100, mine: 300, theirs: 200, by: 'bob', at: '2025-06-01T12:01:00.000Z', v: 2 },
    ]);
    expect(merge(record, 2, [{ k: 'set', f: NOTE.budget, v: 300 }]).conflicts).toEqual([]);
    expect(merge(record, 1, [{ k: 'set', f: NOTE.budget, v: 200 }]).conflicts).toEqual([]);
  });

  it('R4.2 manual: the same client earlier mutation on the same base is not a conflict', () => {
    const record = recordWith([{ ops: [{ k: 'set', f: NOTE.budget, v: 100 }], by: 'ann', cid: 'c1', mid: 1, base: 0 }]);
    expect(merge(record, 0, [{ k: 'set', f: NOTE.budget, v: 120 }], { cid: 'c1', mid: 2 }).conflicts).toEqual([]);
    expect(merge(record, 0, [{ k: 'set', f: NOTE.budget, v: 120 }], { cid: 'c2', mid: 2 }).conflicts).toHaveLength(1);
  });

  it('R4.2 text: concurrent edits of one text both survive, transformed onto the current version', () => {
    const record = recordWith([
      { ops: [{ k: 'text', f: NOTE.body, op: ['Dinner at 7'] }], by: 'ann' },
      { ops: [{ k: 'text', f: NOTE.body, op: ['Vegan '] }], by: 'bob' },
    ]);
    const result = merge(record, 1, [{ k: 'text', f: NOTE.body, op: [11, ' pm'] }]);
    expect(result.fields[NOTE.body]).toBe('Vegan Dinner at 7 pm');
    expect(result.ops).toEqual([{ k: 'text', f: NOTE.body, op: [17, ' pm'] }]);
  });

  it('R4.2 text: a batch of one client on one base is sequential, not concurrent with itself', () => {
    const record = recordWith([
      { ops: [{ k: 'text', f: NOTE.body, op: ['ab'] }], by: 'ann' },
      { ops: [{ k: 'text', f: NOTE.body, op: ['X'] }], by: 'bob', cid: 'c2', mid: 9, base: 1 },
      { ops: [{ k: 'text', f: NOTE.body, op: [3, 'c'] }], by: 'ann', cid: 'c1', mid: 1, base: 1 },
    ]);
    record.history[2]!.submitted = [{ k: 'text', f: NOTE.body, op: [2, 'c'] }];
    // c1 typed "c" then "d" on "ab"; its second mutation still names base 1.
    const result = merge(record, 1, [{ k: 'text', f: NOTE.body, op: [3, 'd'] }], { cid: 'c1', mid: 2 });
    expect(result.fields[NOTE.body]).toBe('Xabcd');
  });

  it('R4.2 list: concurrent appends are both kept, in commit order', () => {
    const record = recordWith([{ ops: [{ k: 'add', f: NOTE.tags, id: 'x', v: 'bob' }], by: 'bob' }]);
    const result = merge(record, 0, [{ k: 'add', f: NOTE.tags, id: 'y', v: 'ann' }]);
    expect(result.fields[NOTE.tags]).toEqual([
      { id: 'x', v: 'bob' },
      { id: 'y', v: 'ann' },
    ]);
  });

  it('R4.2 refuses a base newer than the current version and invalid ops', () => {
    const record = recordWith([{ ops: [{ k: 'set', f: NOTE.title, v: 'a' }], by: 'ann' }]);
    expect(() => merge(record, 0, [{ k: 'set', f: 42, v: 1 }])).toThrow(MergeError);
    expect(() => merge(record, 0, [{ k: 'text', f: NOTE.body, op: [4, 'x'] }])).toThrow(/longer than the text/);
    expect(() =>
      mergeMutation({
        collection: notes,
        currentFields: {},
        currentVersion: 1,
        baseVersion: 2,
        baseFields: {},
        ops: [],
        committedSince: [],
      }),
    ).toThrow(/Base version 2/);
  });
});

describe('rebasePending', () => {
  it('R11.2 moves queued text ops past incoming ones with the server tie rule', () => {
    const pending = [
      [{ k: 'text', f: NOTE.body, op: [1, 'B'] } as FieldOp],
      [{ k: 'set', f: NOTE.title, v: 't' } as FieldOp],
    ];
    const incoming = [[{ k: 'text', f: NOTE.body, op: [1, 'A'] } as FieldOp]];
    const rebased = rebasePending(notes, pending, incoming);
    expect(rebased).toEqual([[{ k: 'text', f: NOTE.body, op: [2, 'B'] }], [{ k: 'set', f: NOTE.title, v: 't' }]]);
    const view = applyOps(notes, applyOps(notes, { [NOTE.body]: 'xy' }, incoming[0]!), rebased[0]!);
    expect(view[NOTE.body]).toBe('xABy');
  });

  it('R4.1 names manual fields that an incoming change also set', () => {
    const pending = [[{ k: 'set', f: NOTE.budget, v: 1 } as FieldOp, { k: 'set', f: NOTE.title, v: 'x' } as FieldOp]];
    const incoming = [[{ k: 'set', f: NOTE.budget, v: 2 } as FieldOp, { k: 'set', f: NOTE.title, v: 'y' } as FieldOp]];
    expect(concurrentManualFields(notes, pending, incoming)).toEqual([NOTE.budget]);
  });
});
