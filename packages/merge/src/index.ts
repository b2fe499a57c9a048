/**
 * Pure merge logic (DESIGN §2): no I/O. Used by the server inside the write transaction and by the
 * client to apply changes optimistically and rebase pending mutations on server truth.
 *
 * Values are kept per field id (the numeric wire id, as a string key):
 * - `lww` / `manual`: any JSON value;
 * - `text`: a string; ops are `ot-text-unicode` operations;
 * - `list`: an array of `{ id, v }` items, ordered by commit (`seq`) order of their appends.
 */
export type { CollectionSchema, Conflict, FieldKind, FieldOp } from '@wedsync/protocol';
export * from './apply-ops.ts';
export * from './fields-diff.ts';
export * from './json-equal.ts';
export * from './merge-error.ts';
export * from './merge-mutation.ts';
export * from './schema-index.ts';
export * from './text-op.ts';
