import { describe, expect, it } from 'vitest';
import { compileSchemas, MergeError } from '../src/index.ts';
import { NOTE, notes } from './note-schema.ts';

describe('compileSchemas', () => {
  it('R12.2 indexes fields by wire id and by name', () => {
    expect(notes.byId.get(NOTE.body)).toEqual({ name: 'body', id: NOTE.body, kind: 'text' });
    expect(notes.byName.get('tags')?.id).toBe(NOTE.tags);
  });

  it('R12.2 refuses a field id used twice in one collection', () => {
    const compile = () =>
      compileSchemas([{ name: 'c', fields: { a: { id: 1, kind: 'lww' }, b: { id: 1, kind: 'text' } } }]);
    expect(compile).toThrow(MergeError);
    expect(compile).toThrow(/c\.b reuses id 1 of c\.a/);
  });

  it('R4.2 refuses an unknown field kind and names it', () => {
    const compile = () => compileSchemas([{ name: 'c', fields: { a: { id: 1, kind: 'crdt' as 'lww' } } }]);
    expect(compile).toThrow(/kind "crdt"/);
  });

  it('R12.2 refuses a collection declared twice and ids outside the wire range', () => {
    expect(() =>
      compileSchemas([
        { name: 'c', fields: {} },
        { name: 'c', fields: {} },
      ]),
    ).toThrow(/declared twice/);
    expect(() => compileSchemas([{ name: 'c', fields: { a: { id: 70_000, kind: 'lww' } } }])).toThrow(/0\.\.65535/);
  });

  it('R4.2 returns undefined for an unknown collection', () => {
    expect(compileSchemas([]).collection('nope')).toBeUndefined();
  });
});
