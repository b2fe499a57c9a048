/**
 * Plain-string helpers for a collaboratively edited text box (R4.2, R4.3). Positions are UTF-16 code
 * units, as `textarea.selectionStart` counts them; the record store turns the final text into a
 * code-point text op itself (`RecordStore.editText`), so these never travel.
 */

/** One contiguous replacement: `removed` units at `at` replaced by `inserted`. */
export interface TextSplice {
  at: number;
  removed: number;
  inserted: string;
}

/** The smallest single splice turning `before` into `after` (common prefix and suffix kept). */
export function spliceBetween(before: string, after: string): TextSplice {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { at: prefix, removed: before.length - prefix - suffix, inserted: after.slice(prefix, after.length - suffix) };
}

/**
 * Where position `pos` of the old text lands after `splice`: before the splice it stays; after it,
 * it shifts by the length change; inside the replaced part it moves to the end of the insertion.
 * `stickRight` decides a position exactly at an insertion point (a caret there follows the insert).
 */
export function mapPosition(pos: number, splice: TextSplice, stickRight = false): number {
  const end = splice.at + splice.removed;
  if (splice.removed === 0 && pos === splice.at) return stickRight ? pos + splice.inserted.length : pos;
  if (pos <= splice.at) return pos;
  if (pos >= end) return pos + splice.inserted.length - splice.removed;
  return splice.at + splice.inserted.length;
}

/**
 * Rebases a local draft (made on `base`) onto `incoming` (what `base` became through someone else's
 * edit), keeping both edits: the result contains the other person's change and mine. The caret maps
 * along. Ties (both inserted at one point) put the committed, incoming text first — the same rule the
 * server's OT uses for pending edits, so what I see is what will be stored.
 */
export function rebaseDraft(
  base: string,
  draft: string,
  incoming: string,
  caret: number,
): { text: string; caret: number } {
  if (draft === base) return { text: incoming, caret: mapPosition(caret, spliceBetween(base, incoming)) };
  if (incoming === base) return { text: draft, caret };
  const mine = spliceBetween(base, draft);
  const theirs = spliceBetween(base, incoming);
  const mineEnd = mine.at + mine.removed;
  const theirsEnd = theirs.at + theirs.removed;
  const bothInsertHere = mine.removed === 0 && theirs.removed === 0 && mine.at === theirs.at;
  const caretInMine = caret - mine.at;
  if (mineEnd <= theirs.at && !bothInsertHere) {
    // Mine is wholly before theirs: theirs shifts by my length change.
    const text = incoming.slice(0, mine.at) + mine.inserted + incoming.slice(mineEnd);
    return { text, caret };
  }
  if (mine.at >= theirsEnd) {
    const shift = theirs.inserted.length - theirs.removed;
    const at = mine.at + shift;
    const text = incoming.slice(0, at) + mine.inserted + incoming.slice(at + mine.removed);
    return { text, caret: caret + shift };
  }
  // Overlapping edits: both removals happen, both insertions stay (theirs first when theirs starts first).
  const start = Math.min(mine.at, theirs.at);
  const end = Math.max(mineEnd, theirsEnd);
  const tail = base.slice(end);
  if (mine.at < theirs.at) {
    const text = base.slice(0, start) + mine.inserted + theirs.inserted + tail;
    return { text, caret: start + clamp(caretInMine, 0, mine.inserted.length) };
  }
  const text = base.slice(0, start) + theirs.inserted + mine.inserted + tail;
  return { text, caret: start + theirs.inserted.length + clamp(caretInMine, 0, mine.inserted.length) };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
