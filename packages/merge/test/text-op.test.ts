import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyTextOp,
  COMMITTED_SIDE,
  codePointLength,
  diffToTextOp,
  isValidTextOp,
  MergeError,
  PENDING_SIDE,
  transformTextOp,
} from '../src/index.ts';
import { editStepsArb, opFromSteps, textArb } from './arbitraries.ts';
import { fastCheckSeed } from './fast-check-seed.ts';

describe('text ops', () => {
  it('R4.2 counts positions in code points, not UTF-16 units', () => {
    expect(applyTextOp('😀b', [1, 'x'])).toBe('😀xb');
    expect(diffToTextOp('a😀c', 'a😁c')).toEqual([1, { d: 1 }, '😁']);
  });

  it('R4.2 concurrent edits converge: committed op left, pending op right', () => {
    const seed = fastCheckSeed('OT convergence');
    fc.assert(
      fc.property(textArb, editStepsArb, editStepsArb, (doc, stepsA, stepsB) => {
        const committed = opFromSteps(doc, stepsA);
        const pending = opFromSteps(doc, stepsB);
        const viaCommitted = applyTextOp(
          applyTextOp(doc, committed),
          transformTextOp(pending, committed, PENDING_SIDE),
        );
        const viaPending = applyTextOp(applyTextOp(doc, pending), transformTextOp(committed, pending, COMMITTED_SIDE));
        expect(viaCommitted).toBe(viaPending);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('R4.2 on a tie the committed insert stays on the left', () => {
    const committed = [1, 'A'];
    const pending = [1, 'B'];
    expect(applyTextOp(applyTextOp('xy', committed), transformTextOp(pending, committed, PENDING_SIDE))).toBe('xABy');
  });

  it('R12.2 diffToTextOp yields a minimal op that rebuilds the new text', () => {
    const seed = fastCheckSeed('diffToTextOp');
    fc.assert(
      fc.property(textArb, textArb, (before, after) => {
        const op = diffToTextOp(before, after);
        expect(applyTextOp(before, op)).toBe(after);
        const deleted = op.reduce<number>((n, c) => n + (typeof c === 'object' ? Number(c.d) : 0), 0);
        expect(deleted).toBeLessThanOrEqual(codePointLength(before));
      }),
      { seed, numRuns: 300 },
    );
    expect(diffToTextOp('same', 'same')).toEqual([]);
  });

  it('R4.2 rejects malformed ops and ops longer than the text with VALIDATION_FAILED', () => {
    expect(isValidTextOp([2, 'x', { d: 1 }])).toBe(true);
    expect(isValidTextOp([0])).toBe(false);
    expect(isValidTextOp([1.5])).toBe(false);
    expect(isValidTextOp([''])).toBe(false);
    expect(isValidTextOp([{ d: 0 }])).toBe(false);
    expect(isValidTextOp('abc')).toBe(false);
    expect(() => applyTextOp('ab', [5, 'x'])).toThrow(MergeError);
    try {
      applyTextOp('ab', [{ d: 3 }]);
      expect.unreachable();
    } catch (error) {
      expect((error as MergeError).code).toBe('VALIDATION_FAILED');
    }
  });
});
