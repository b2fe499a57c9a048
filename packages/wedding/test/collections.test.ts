import { compileSchemas } from '@wedsync/merge';
import { describe, expect, test } from 'vitest';
import { COLLECTIONS, collectionNamed, fieldIdOf, fieldNameOf, weddingSchemas } from '../src/index.ts';

describe('R12.2 R4.2 collections: stable numeric field ids and merge kinds', () => {
  test('R12.2 every collection compiles: unique names, unique field ids in the wire range', () => {
    const index = compileSchemas(weddingSchemas);
    expect(index.collections().map((c) => c.name)).toEqual(Object.values(COLLECTIONS).map((c) => c.name));
    for (const collection of Object.values(COLLECTIONS)) {
      expect(collection.description.length).toBeGreaterThan(10);
      for (const [name, field] of Object.entries(collection.fields as Record<string, { id: number }>)) {
        expect(fieldNameOf(collection.name, field.id)).toBe(name);
        expect(fieldIdOf(collection.name, name)).toBe(field.id);
      }
    }
  });

  test('R4.2 field kinds follow the domain: manual date, list timeline and attendees, text notes and long answers', () => {
    const kind = (c: string, f: string) =>
      (collectionNamed(c)?.fields as Record<string, { kind: string }> | undefined)?.[f]?.kind;
    expect(kind('weddings', 'date')).toBe('manual');
    expect(kind('weddings', 'timeline')).toBe('list');
    expect(kind('weddings', 'guestCount')).toBe('lww');
    expect(kind('meetings', 'attendees')).toBe('list');
    expect(kind('notes', 'body')).toBe('text');
    expect(kind('form_answers', 'longText')).toBe('text');
    expect(kind('form_answers', 'value')).toBe('lww');
    expect(kind('journey_runs', 'log')).toBe('list');
  });

  test('R12.2 the wire ids of the seeded core fields are pinned (changing one breaks stored data)', () => {
    expect(['date', 'venue', 'guestCount', 'contact', 'timeline'].map((f) => fieldIdOf('weddings', f))).toEqual([
      2, 3, 4, 5, 6,
    ]);
    expect(() => fieldIdOf('weddings', 'nope')).toThrow(RangeError);
    expect(fieldNameOf('weddings', 999)).toBeUndefined();
  });
});
