import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mapPosition, rebaseDraft, spliceBetween } from '../src/text/text-rebase.ts';

describe('rebasing a local draft over someone else’s edit', () => {
  test('R4.2 edits in different places both survive, the caret stays on my text', () => {
    const base = 'Lake first look; confetti exit';
    const mine = 'Lake first look; sisters; confetti exit';
    const theirs = 'Lake first look at dawn; confetti exit';
    const caret = mine.indexOf('sisters;') + 'sisters;'.length;
    const rebased = rebaseDraft(base, mine, theirs, caret);
    expect(rebased.text).toBe('Lake first look at dawn; sisters; confetti exit');
    expect(rebased.text.slice(0, rebased.caret).endsWith('sisters;')).toBe(true);
  });

  test('R4.2 two inserts at one point keep both, the committed one first (the server’s tie rule)', () => {
    expect(rebaseDraft('ab', 'aXb', 'aYb', 2)).toEqual({ text: 'aYXb', caret: 3 });
  });

  test('R4.2 overlapping edits: both removals happen, both insertions stay', () => {
    const rebased = rebaseDraft('one two three', 'one 2 three', 'one TWO! three', 5);
    expect(rebased.text).toContain('2');
    expect(rebased.text).toContain('TWO!');
    expect(rebased.text.startsWith('one ')).toBe(true);
    expect(rebased.text.endsWith(' three')).toBe(true);
  });

  test('R4.3 a caret after an insertion point moves with it; one before stays', () => {
    const splice = spliceBetween('hello world', 'hello big world');
    expect(mapPosition(2, splice)).toBe(2);
    expect(mapPosition(8, splice)).toBe(12);
  });

  test('R4.2 property: non-overlapping edits of a text both survive whatever their order', () => {
    const seed = Date.now() % 2_147_483_647;
    console.log(`text-rebase property seed ${seed}`);
    fc.assert(
      fc.property(
        // Inserted letters differ from the text's, so each edit's place is unambiguous.
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), minLength: 4, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        fc.string({ unit: fc.constantFrom('X', 'Y'), minLength: 1, maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('1', '2'), minLength: 1, maxLength: 6 }),
        (base, a, b, mineInsert, theirInsert) => {
          const p = a % (base.length + 1);
          const q = b % (base.length + 1);
          if (p === q) return;
          const mine = base.slice(0, p) + mineInsert + base.slice(p);
          const theirs = base.slice(0, q) + theirInsert + base.slice(q);
          const [first, firstText, second, secondText] =
            p < q ? [p, mineInsert, q, theirInsert] : [q, theirInsert, p, mineInsert];
          const expected =
            base.slice(0, first) + firstText + base.slice(first, second) + secondText + base.slice(second);
          expect(rebaseDraft(base, mine, theirs, p + mineInsert.length).text).toBe(expected);
        },
      ),
      { seed },
    );
  });
});
