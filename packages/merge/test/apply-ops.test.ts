import { describe, expect, it } from 'vitest';
import { applyOps, diffFields, type Fields, MergeError } from '../src/index.ts';
import { NOTE, notes } from './note-schema.ts';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof MergeError ? error.code : 'NOT_A_MERGE_ERROR';
  }
  return undefined;
}

describe('applyOps', () => {
  it('R4.2 applies every field kind and returns a new object', () => {
    const before: Fields = { [NOTE.body]: 'hello' };
    const after = applyOps(notes, before, [
      { k: 'set', f: NOTE.title, v: 'Menu' },
      { k: 'text', f: NOTE.body, op: [5, ' world'] },
      { k: 'add', f: NOTE.tags, id: 't1', v: 'veg' },
      { k: 'set', f: NOTE.budget, v: 1200 },
    ]);
    expect(after).toEqual({
      [NOTE.title]: 'Menu',
      [NOTE.body]: 'hello world',
      [NOTE.tags]: [{ id: 't1', v: 'veg' }],
      [NOTE.budget]: 1200,
    });
    expect(before).toEqual({ [NOTE.body]: 'hello' });
  });

  it('R4.2 list add of a present id and remove of an absent id are no-ops', () => {
    const once = applyOps(notes, {}, [{ k: 'add', f: NOTE.tags, id: 'a', v: 1 }]);
    const twice = applyOps(notes, once, [
      { k: 'add', f: NOTE.tags, id: 'a', v: 2 },
      { k: 'remove', f: NOTE.tags, id: 'zzz' },
    ]);
    expect(twice).toEqual(once);
    expect(applyOps(notes, twice, [{ k: 'remove', f: NOTE.tags, id: 'a' }])[NOTE.tags]).toEqual([]);
  });

  it('R4.2 refuses an op kind that does not fit the field kind with VALIDATION_FAILED', () => {
    expect(codeOf(() => applyOps(notes, {}, [{ k: 'text', f: NOTE.title, op: ['x'] }]))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyOps(notes, {}, [{ k: 'set', f: NOTE.body, v: 'x' }]))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyOps(notes, {}, [{ k: 'add', f: NOTE.budget, id: 'a', v: 1 }]))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyOps(notes, {}, [{ k: 'text', f: NOTE.body, op: [3, 'x'] }]))).toBe('VALIDATION_FAILED');
  });

  it('R12.2 refuses an unknown field id with UNKNOWN_FIELD and a message naming it', () => {
    expect(() => applyOps(notes, {}, [{ k: 'set', f: 99, v: 1 }])).toThrow(/no field with id 99/);
    expect(codeOf(() => applyOps(notes, {}, [{ k: 'set', f: 99, v: 1 }]))).toBe('UNKNOWN_FIELD');
  });
});

describe('diffFields', () => {
  it('R4.2 produces ops that turn one version into another exactly (rollback)', () => {
    const from: Fields = {
      [NOTE.title]: 'New',
      [NOTE.body]: 'abcdef',
      [NOTE.tags]: [
        { id: 'a', v: 1 },
        { id: 'c', v: 3 },
        { id: 'd', v: 4 },
      ],
      [NOTE.budget]: 5,
    };
    const to: Fields = {
      [NOTE.title]: 'Old',
      [NOTE.body]: 'abXef',
      [NOTE.tags]: [
        { id: 'a', v: 1 },
        { id: 'b', v: 2 },
        { id: 'c', v: 3 },
      ],
    };
    const ops = diffFields(notes, from, to);
    expect(applyOps(notes, from, ops)).toEqual(to);
    expect(diffFields(notes, to, to)).toEqual([]);
  });
});
