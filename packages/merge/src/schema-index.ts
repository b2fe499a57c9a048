import { type CollectionSchema, FIELD_KINDS, type FieldKind } from '@wedsync/protocol';
import { MergeError } from './merge-error.ts';

/** One field of a compiled collection: its name (in the schema), numeric wire id and merge kind. */
export interface CompiledField {
  name: string;
  id: number;
  kind: FieldKind;
}

export interface CompiledCollection {
  name: string;
  byId: Map<number, CompiledField>;
  byName: Map<string, CompiledField>;
}

export interface SchemaIndex {
  collection(name: string): CompiledCollection | undefined;
  /** Every compiled collection, in the order given. */
  collections(): CompiledCollection[];
}

const MAX_FIELD_ID = 65_535;

/**
 * Compiles collection schemas into lookup maps. Throws a `MergeError` (`VALIDATION_FAILED`) naming the
 * collection and field when a collection name repeats, a field id or name repeats within a
 * collection, an id is not an integer in 0..65535 (the wire range), or a kind is not one of `FIELD_KINDS`.
 */
export function compileSchemas(schemas: readonly CollectionSchema[]): SchemaIndex {
  const compiled = new Map<string, CompiledCollection>();
  for (const schema of schemas) {
    if (typeof schema.name !== 'string' || schema.name.length === 0) {
      throw new MergeError('VALIDATION_FAILED', 'A collection schema has no name');
    }
    if (compiled.has(schema.name)) {
      throw new MergeError('VALIDATION_FAILED', `Collection "${schema.name}" is declared twice`);
    }
    compiled.set(schema.name, compileCollection(schema));
  }
  return {
    collection: (name) => compiled.get(name),
    collections: () => [...compiled.values()],
  };
}

function compileCollection(schema: CollectionSchema): CompiledCollection {
  const byId = new Map<number, CompiledField>();
  const byName = new Map<string, CompiledField>();
  for (const [name, field] of Object.entries(schema.fields)) {
    const where = `${schema.name}.${name}`;
    if (!Number.isInteger(field.id) || field.id < 0 || field.id > MAX_FIELD_ID) {
      throw new MergeError('VALIDATION_FAILED', `Field ${where} has id ${String(field.id)}; ids are integers 0..65535`);
    }
    if (!(FIELD_KINDS as readonly string[]).includes(field.kind)) {
      throw new MergeError(
        'VALIDATION_FAILED',
        `Field ${where} has kind "${String(field.kind)}"; expected one of ${FIELD_KINDS.join(', ')}`,
      );
    }
    const existing = byId.get(field.id);
    if (existing) {
      throw new MergeError(
        'VALIDATION_FAILED',
        `Field ${where} reuses id ${field.id} of ${schema.name}.${existing.name}`,
      );
    }
    const compiled: CompiledField = { name, id: field.id, kind: field.kind };
    byId.set(field.id, compiled);
    byName.set(name, compiled);
  }
  return { name: schema.name, byId, byName };
}
