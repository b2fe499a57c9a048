import { type as otText } from 'ot-text-unicode';
import { MergeError } from './merge-error.ts';

/**
 * An `ot-text-unicode` operation (DESIGN §2): skip `n` code points (number), insert (string), delete
 * `{ d: n }` code points or `{ d: "text" }`. Positions count Unicode code points, not UTF-16 units,
 * so clients in any language agree.
 */
export type TextOpComponent = number | string | { d: number | string };
export type TextOp = TextOpComponent[];

/**
 * The tie rule, used by server and client alike: when two concurrent ops insert at the same
 * position, the one committed first (lower `seq`) stays on the left. An op that is not yet
 * committed is therefore always transformed with side `'right'` against committed ops, and
 * committed ops with side `'left'` against it.
 */
export const PENDING_SIDE = 'right' as const;
export const COMMITTED_SIDE = 'left' as const;

/**
 * True when `op` is a well-formed text op: an array of positive integer skips, non-empty insert
 * strings and non-empty deletes. Adjacent skips and a trailing skip are accepted (they are
 * normalised away); the op is not checked against a document length here.
 */
export function isValidTextOp(op: unknown): op is TextOp {
  if (!Array.isArray(op)) return false;
  for (const c of op) {
    if (typeof c === 'number') {
      if (!Number.isSafeInteger(c) || c <= 0) return false;
    } else if (typeof c === 'string') {
      if (c.length === 0) return false;
    } else if (c !== null && typeof c === 'object' && Object.keys(c).length === 1) {
      const d = (c as { d?: unknown }).d;
      if (typeof d === 'number' ? !Number.isSafeInteger(d) || d <= 0 : typeof d !== 'string' || d.length === 0) {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

/** Canonical form (adjacent components merged, trailing skip dropped). Throws `VALIDATION_FAILED` on a malformed op. */
export function normalizeTextOp(op: unknown): TextOp {
  if (!isValidTextOp(op)) throw new MergeError('VALIDATION_FAILED', 'Malformed text operation');
  return otText.normalize(op);
}

/** Applies `op` to `text`. Throws `VALIDATION_FAILED` when the op is malformed or reaches past the end of the text. */
export function applyTextOp(text: string, op: TextOp): string {
  const normalized = normalizeTextOp(op);
  if (textOpInputLength(normalized) > codePointLength(text)) {
    throw new MergeError('VALIDATION_FAILED', 'The text operation is longer than the text it applies to');
  }
  return otText.apply(text, normalized);
}

/**
 * Rewrites `op` so it applies after `against` (both made on the same text). `side` decides ties of
 * inserts at one position: `'left'` puts `op`'s insert first. See `PENDING_SIDE`.
 */
export function transformTextOp(op: TextOp, against: TextOp, side: 'left' | 'right'): TextOp {
  return otText.transform(normalizeTextOp(op), normalizeTextOp(against), side);
}

/** One op with the effect of `a` then `b`. */
export function composeTextOps(a: TextOp, b: TextOp): TextOp {
  return otText.compose(normalizeTextOp(a), normalizeTextOp(b));
}

/**
 * The op turning `oldText` into `newText`: keeps their common prefix and suffix (in code points, so
 * a surrogate pair is never split) and replaces the middle. Deletes are counts, not strings (smaller
 * on the wire, R12.2). Equal texts give `[]`.
 */
export function diffToTextOp(oldText: string, newText: string): TextOp {
  if (oldText === newText) return [];
  const before = Array.from(oldText);
  const after = Array.from(newText);
  let prefix = 0;
  const maxPrefix = Math.min(before.length, after.length);
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  const maxSuffix = maxPrefix - prefix;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const deleted = before.length - prefix - suffix;
  const inserted = after.slice(prefix, after.length - suffix).join('');
  const op: TextOp = [];
  if (prefix > 0) op.push(prefix);
  if (deleted > 0) op.push({ d: deleted });
  if (inserted.length > 0) op.push(inserted);
  return op;
}

/** Length of text in Unicode code points (the unit of text op positions). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** How many code points of the input document `op` reads (skips + deletes). */
function textOpInputLength(op: TextOp): number {
  let length = 0;
  for (const c of op) {
    if (typeof c === 'number') length += c;
    else if (typeof c === 'object') length += typeof c.d === 'number' ? c.d : codePointLength(c.d);
  }
  return length;
}
