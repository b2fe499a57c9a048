import type { FieldOp } from '@wedsync/protocol';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import { appliedChangeOf, type IndexableChange } from '../directory/record-index.ts';
import { type NoteTexts, notificationsForChange } from './notification-triggers.ts';
import type { WeddingNotification } from './wedding-notification.ts';

/**
 * A version as the transaction writing it sees it: its log entry and its record's fields (keyed by
 * field id, text fields as full strings) before it (undefined: a create) and after it.
 */
export interface VersionWithFields {
  change: IndexableChange & { ops: FieldOp[] };
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown>;
}

const NOTE_BODY = String(fieldIdOf('notes', 'body'));

/**
 * The notifications one version raises (R5.2, R3.2, R10.1), decided inside the transaction that
 * writes it, against `directory` as this node has applied the log so far (the record's own state
 * comes from the transaction). Mentions in a note come from its full body before and after, so no
 * history is read. Ids stay `{trigger}:{seq}:{userId}`: deterministic per cause version.
 */
export function notificationsOfVersion(directory: Directory, version: VersionWithFields): WeddingNotification[] {
  const { change } = version;
  const applied = appliedChangeOf(change, version.before, version.after);
  const touchesBody = change.c === 'notes' && change.ops.some((op) => String(op.f) === NOTE_BODY);
  if (!touchesBody) return notificationsForChange(directory, applied);
  const text = (fields: Record<string, unknown> | undefined) =>
    typeof fields?.[NOTE_BODY] === 'string' ? (fields[NOTE_BODY] as string) : undefined;
  const before = text(version.before);
  const after = text(version.after);
  const noteTexts: NoteTexts = {
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  };
  return notificationsForChange(directory, applied, { noteTexts });
}
