import {
  type CompiledCollection,
  type CompiledField,
  diffToTextOp,
  type Fields,
  type SchemaIndex,
  textValue,
} from '@wedsync/merge';
import type { FieldOp } from '@wedsync/protocol';
import { StoreError } from './store-types.ts';

/** The compiled collection, or `UNKNOWN_COLLECTION`. */
export function collectionOf(schemas: SchemaIndex, c: string): CompiledCollection {
  const collection = schemas.collection(c);
  if (!collection) throw new StoreError('UNKNOWN_COLLECTION', `No collection "${c}" in the schema`);
  return collection;
}

/** A field by its name (the app's vocabulary; ids travel on the wire, R12.2), or `UNKNOWN_FIELD`. */
export function fieldOf(collection: CompiledCollection, name: string): CompiledField {
  const field = collection.byName.get(name);
  if (!field) throw new StoreError('UNKNOWN_FIELD', `No field "${name}" in collection "${collection.name}"`);
  return field;
}

function expectKind(
  collection: CompiledCollection,
  field: CompiledField,
  kinds: readonly string[],
  what: string,
): void {
  if (!kinds.includes(field.kind)) {
    throw new StoreError(
      'VALIDATION_FAILED',
      `${what} does not fit ${field.kind} field ${collection.name}.${field.name}`,
    );
  }
}

/**
 * The ops that give a field a new value, against the current optimistic `fields`: `set` for lww and
 * manual fields, a minimal text op for text fields (so concurrent typing merges); lists change only by
 * `append`/`remove`. Returns [] when nothing changes.
 */
export function setOps(
  collection: CompiledCollection,
  field: CompiledField,
  value: unknown,
  fields: Fields,
): FieldOp[] {
  if (value === undefined) throw new StoreError('VALIDATION_FAILED', `No value for ${collection.name}.${field.name}`);
  if (field.kind === 'text') {
    if (typeof value !== 'string') {
      throw new StoreError('VALIDATION_FAILED', `Text field ${collection.name}.${field.name} takes a string`);
    }
    return textOps(collection, field, value, fields);
  }
  expectKind(collection, field, ['lww', 'manual'], 'set()');
  return [{ k: 'set', f: field.id, v: value }];
}

export function textOps(collection: CompiledCollection, field: CompiledField, text: string, fields: Fields): FieldOp[] {
  expectKind(collection, field, ['text'], 'editText()');
  const op = diffToTextOp(textValue(fields[String(field.id)], collection, field.id), text);
  return op.length === 0 ? [] : [{ k: 'text', f: field.id, op }];
}

export function appendOp(
  collection: CompiledCollection,
  field: CompiledField,
  itemId: string,
  value: unknown,
): FieldOp {
  expectKind(collection, field, ['list'], 'append()');
  if (typeof itemId !== 'string' || itemId.length === 0 || itemId.length > 128) {
    throw new StoreError('VALIDATION_FAILED', 'A list item id is a string of 1–128 characters');
  }
  return { k: 'add', f: field.id, id: itemId, v: value };
}

export function removeOp(collection: CompiledCollection, field: CompiledField, itemId: string): FieldOp {
  expectKind(collection, field, ['list'], 'remove()');
  return { k: 'remove', f: field.id, id: itemId };
}

/** The ops that create a record with initial values: lists take `{ id, v }[]`, text a string. */
export function createOps(collection: CompiledCollection, values: Record<string, unknown>): FieldOp[] {
  const ops: FieldOp[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const field = fieldOf(collection, name);
    if (field.kind === 'list') {
      if (!Array.isArray(value)) {
        throw new StoreError('VALIDATION_FAILED', `List field ${collection.name}.${name} takes { id, v }[]`);
      }
      for (const item of value as Array<{ id: string; v: unknown }>)
        ops.push(appendOp(collection, field, item?.id, item?.v));
    } else {
      ops.push(...setOps(collection, field, value, {}));
    }
  }
  return ops;
}
