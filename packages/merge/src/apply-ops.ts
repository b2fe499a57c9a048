import type { FieldKind, FieldOp } from '@wedsync/protocol';
import { MergeError } from './merge-error.ts';
import type { CompiledCollection, CompiledField } from './schema-index.ts';
import { applyTextOp, isValidTextOp } from './text-op.ts';

/** A record's values keyed by field id as a string (`"3"`), the wire form (R12.2). */
export type Fields = Record<string, unknown>;

/** One item of a `list` field. Items are immutable; the id is chosen by the client that adds it. */
export interface ListItem {
  id: string;
  v: unknown;
}

/** Which field kinds each op kind may target. */
const OP_KINDS: Record<FieldOp['k'], readonly FieldKind[]> = {
  set: ['lww', 'manual'],
  text: ['text'],
  add: ['list'],
  remove: ['list'],
};

/**
 * Checks one op against the collection schema: the field exists (`UNKNOWN_FIELD`), the op kind fits
 * the field kind and a text op is well-formed (`VALIDATION_FAILED`). Returns the field.
 */
export function validateOp(collection: CompiledCollection, op: FieldOp): CompiledField {
  const field = collection.byId.get(op.f);
  if (!field) {
    throw new MergeError('UNKNOWN_FIELD', `Collection "${collection.name}" has no field with id ${op.f}`, { f: op.f });
  }
  const allowed = OP_KINDS[op.k];
  if (!allowed?.includes(field.kind)) {
    throw new MergeError(
      'VALIDATION_FAILED',
      `Op "${String(op.k)}" cannot target ${field.kind} field ${collection.name}.${field.name} (id ${op.f})`,
      { f: op.f },
    );
  }
  if (op.k === 'text' && !isValidTextOp(op.op)) {
    throw new MergeError('VALIDATION_FAILED', `Malformed text op for field ${collection.name}.${field.name}`, {
      f: op.f,
    });
  }
  return field;
}

/**
 * Applies ops in order and returns a new `Fields` (the input is not modified). `set` replaces the
 * value (`undefined` removes it); `text` applies an OT op to the string (absent = `""`); `add`
 * appends `{ id, v }` unless an item with that id is present (idempotent); `remove` drops the item
 * with that id (absent = no-op). Throws `MergeError` on the first invalid op.
 */
export function applyOps(collection: CompiledCollection, fields: Fields, ops: readonly FieldOp[]): Fields {
  const next: Fields = { ...fields };
  for (const op of ops) {
    validateOp(collection, op);
    const key = String(op.f);
    switch (op.k) {
      case 'set':
        if (op.v === undefined) delete next[key];
        else next[key] = op.v;
        break;
      case 'text':
        next[key] = applyTextOp(textValue(next[key], collection, op.f), op.op);
        break;
      case 'add': {
        const items = listValue(next[key], collection, op.f);
        if (!items.some((item) => item.id === op.id)) next[key] = [...items, { id: op.id, v: op.v }];
        break;
      }
      case 'remove': {
        const items = listValue(next[key], collection, op.f);
        if (items.some((item) => item.id === op.id)) next[key] = items.filter((item) => item.id !== op.id);
        break;
      }
    }
  }
  return next;
}

/** The string value of a text field (`undefined`/`null` read as `""`). */
export function textValue(value: unknown, collection: CompiledCollection, f: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new MergeError('VALIDATION_FAILED', `Text field ${collection.name}#${f} holds a non-string value`, { f });
  }
  return value;
}

/** The items of a list field (`undefined`/`null` read as `[]`). */
export function listValue(value: unknown, collection: CompiledCollection, f: number): ListItem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isListItem)) {
    throw new MergeError('VALIDATION_FAILED', `List field ${collection.name}#${f} does not hold { id, v } items`, {
      f,
    });
  }
  return value;
}

function isListItem(value: unknown): value is ListItem {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}
