import type { FieldOp } from '@wedsync/protocol';
import { type Fields, type ListItem, listValue, textValue } from './apply-ops.ts';
import { jsonEqual } from './json-equal.ts';
import type { CompiledCollection } from './schema-index.ts';
import { diffToTextOp } from './text-op.ts';

/**
 * The ops that turn `from` into `to` (used by rollback, R4.2): `set` for lww/manual fields that
 * differ (`undefined` clears), a minimal text op for text fields (an absent text equals `""`), and for lists `remove`s of items
 * that are gone or out of place followed by `add`s of the missing ones in `to`'s order, so
 * `applyOps(from, ops)` equals `to` exactly. Fields unknown to the schema are left alone.
 */
export function diffFields(collection: CompiledCollection, from: Fields, to: Fields): FieldOp[] {
  const ops: FieldOp[] = [];
  for (const field of [...collection.byId.values()].sort((a, b) => a.id - b.id)) {
    const key = String(field.id);
    const before = from[key];
    const after = to[key];
    if (jsonEqual(before, after)) continue;
    if (field.kind === 'text') {
      const op = diffToTextOp(textValue(before, collection, field.id), textValue(after, collection, field.id));
      if (op.length > 0) ops.push({ k: 'text', f: field.id, op });
    } else if (field.kind === 'list') {
      ops.push(...diffList(field.id, listValue(before, collection, field.id), listValue(after, collection, field.id)));
    } else {
      ops.push({ k: 'set', f: field.id, v: after });
    }
  }
  return ops;
}

function diffList(f: number, before: readonly ListItem[], after: readonly ListItem[]): FieldOp[] {
  const removes: FieldOp[] = [];
  let matched = 0;
  for (const item of before) {
    const wanted = after[matched];
    if (wanted && wanted.id === item.id && jsonEqual(wanted.v, item.v)) matched++;
    else removes.push({ k: 'remove', f, id: item.id });
  }
  const adds: FieldOp[] = after.slice(matched).map((item) => ({ k: 'add', f, id: item.id, v: item.v }));
  return [...removes, ...adds];
}
