import fc from 'fast-check';
import { composeTextOps, type TextOp } from '../src/index.ts';

/** Characters including astral-plane ones, so positions must count code points. */
export const charArb = fc.constantFrom('a', 'b', 'c', 'é', '😀', '👩‍💻', ' ', '\n');
export const textArb = fc.array(charArb, { maxLength: 12 }).map((chars) => chars.join(''));

export interface EditStep {
  /** Fraction of the document length where the edit happens (0..1). */
  at: number;
  insert: string;
  deleteCount: number;
}

const stepArb: fc.Arbitrary<EditStep> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  insert: fc.array(charArb, { maxLength: 3 }).map((chars) => chars.join('')),
  deleteCount: fc.integer({ min: 0, max: 3 }),
});

export const editStepsArb = fc.array(stepArb, { minLength: 1, maxLength: 4 });

/** Builds a (possibly multi-component) op on `doc` from random steps, composed one by one. */
export function opFromSteps(doc: string, steps: readonly EditStep[]): TextOp {
  let chars = Array.from(doc);
  let op: TextOp = [];
  for (const step of steps) {
    const pos = Math.floor(step.at * chars.length);
    const deleteCount = Math.min(step.deleteCount, chars.length - pos);
    const part: TextOp = [];
    if (pos > 0) part.push(pos);
    if (deleteCount > 0) part.push({ d: deleteCount });
    if (step.insert.length > 0) part.push(step.insert);
    op = composeTextOps(op, part);
    chars = [...chars.slice(0, pos), ...Array.from(step.insert), ...chars.slice(pos + deleteCount)];
  }
  return op;
}
