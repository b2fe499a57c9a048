import { compileSchemas } from '../src/index.ts';

/** A test collection with one field of each kind. */
export const NOTE = { title: 1, body: 2, tags: 3, budget: 4 } as const;

export const schemas = compileSchemas([
  {
    name: 'notes',
    fields: {
      title: { id: NOTE.title, kind: 'lww' },
      body: { id: NOTE.body, kind: 'text' },
      tags: { id: NOTE.tags, kind: 'list' },
      budget: { id: NOTE.budget, kind: 'manual' },
    },
  },
]);

export const notes = schemas.collection('notes')!;
