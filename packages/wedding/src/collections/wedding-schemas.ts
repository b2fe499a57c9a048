import type { CollectionSchema, FieldSchema } from '@wedsync/protocol';
import type { WeddingCollection } from './define-collection.ts';
import { activity, notifications } from './feed-collections.ts';
import { formAnswers, formAssignments, forms } from './form-collections.ts';
import { journeyRuns, journeys } from './journey-collections.ts';
import { couples, suppliers, teamMembers, users } from './people-collections.ts';
import { connections, sharing, weddings } from './wedding-collections.ts';
import { meetings, messages, notes, payments, tasks, teamChat } from './work-collections.ts';

/** Every collection of the model, by its TypeScript name. */
export const COLLECTIONS = {
  users,
  suppliers,
  teamMembers,
  couples,
  weddings,
  connections,
  sharing,
  forms,
  formAssignments,
  formAnswers,
  journeys,
  journeyRuns,
  tasks,
  meetings,
  notes,
  messages,
  teamChat,
  payments,
  activity,
  notifications,
} as const;

const byName = new Map<string, WeddingCollection>(
  Object.values(COLLECTIONS).map((collection) => [collection.name, collection as WeddingCollection]),
);
const fieldNamesById = new Map<string, Map<number, string>>(
  [...byName.values()].map((collection) => [
    collection.name,
    new Map(
      Object.entries(collection.fields as Record<string, FieldSchema>).map(([name, schema]) => [schema.id, name]),
    ),
  ]),
);

/** The wire schemas to compile for the engine (`compileSchemas(weddingSchemas)`), R12.2. */
export const weddingSchemas: CollectionSchema[] = [...byName.values()].map(({ name, fields }) => ({ name, fields }));

export function collectionNamed(name: string): WeddingCollection | undefined {
  return byName.get(name);
}

/** Field name of a wire field id, or undefined for an unknown collection or field. */
export function fieldNameOf(collection: string, fieldId: number): string | undefined {
  return fieldNamesById.get(collection)?.get(fieldId);
}

/** Wire field id of a named field; throws on a name the collection does not have (a programming error). */
export function fieldIdOf(collection: string, field: string): number {
  const schema = (byName.get(collection)?.fields as Record<string, FieldSchema> | undefined)?.[field];
  if (!schema) throw new RangeError(`collection ${collection} has no field ${field}`);
  return schema.id;
}
