import type { HistoryEntry } from '@wedsync/protocol';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import {
  type AppliedChange,
  type IndexableChange,
  type IndexedRecord,
  namedFields,
} from '../directory/record-index.ts';
import { DIRECTORY_SCOPE, supplierScope, weddingScope } from '../rights/audience.ts';
import { type NoteTexts, notificationsForChange } from './notification-triggers.ts';
import type { WeddingNotification } from './wedding-notification.ts';

/** The parts of the engine's Storage seam the triggers read (history for note texts and the startup gap). */
export interface TriggerLog {
  history(c: string, id: string, options?: { limit?: number; before?: number }): Promise<HistoryEntry[]>;
  changesSince(scopes: readonly string[], afterSeq: number, limit: number): Promise<IndexableChange[]>;
}

const NOTE_BODY = String(fieldIdOf('notes', 'body'));

/**
 * Notifications of a change the Directory just applied (live path, R5.2). Mentions in a note need
 * its full body before and after, read from history; everything else is decided from the Directory.
 */
export async function notificationsOfApplied(
  directory: Directory,
  applied: AppliedChange,
  log: Pick<TriggerLog, 'history'>,
): Promise<WeddingNotification[]> {
  const { change } = applied;
  const touchesBody = change.c === 'notes' && change.ops.some((op) => String(op.f) === NOTE_BODY);
  const noteTexts = touchesBody ? await noteTextsAt(log, change.c, change.id, change.v) : undefined;
  return notificationsForChange(directory, applied, noteTexts ? { noteTexts } : {});
}

/**
 * The notifications of the changes in `(afterSeq, toSeq]` of the followed scopes, rebuilt from the
 * record history (their state before and after each change), for changes committed while no node
 * was writing notifications (the crash window of the last one). Rights and names are today's.
 */
export async function notificationsInGap(
  directory: Directory,
  log: TriggerLog,
  afterSeq: number,
  toSeq: number,
  batchSize = 500,
): Promise<{ seq: number; notifications: WeddingNotification[] }[]> {
  const out: { seq: number; notifications: WeddingNotification[] }[] = [];
  let cursor = afterSeq;
  while (cursor < toSeq) {
    const changes = (await log.changesSince(followedScopes(directory), cursor, batchSize)).filter(
      (c) => c.seq <= toSeq,
    );
    if (changes.length === 0) break;
    for (const change of changes) {
      const entries = await log.history(change.c, change.id, { before: change.v + 1, limit: 2 });
      const after = entries.find((entry) => entry.v === change.v);
      if (!after) continue;
      const before = entries.find((entry) => entry.v === change.v - 1);
      const applied: AppliedChange = {
        change,
        before: before && !before.del ? indexed(change, before) : undefined,
        after: indexed(change, after),
      };
      const noteBody = (entry: HistoryEntry | undefined) =>
        typeof entry?.fields[NOTE_BODY] === 'string' ? (entry.fields[NOTE_BODY] as string) : undefined;
      const noteTexts: NoteTexts | undefined =
        change.c === 'notes' ? { before: noteBody(before), after: noteBody(after) } : undefined;
      out.push({
        seq: change.seq,
        notifications: notificationsForChange(directory, applied, noteTexts ? { noteTexts } : {}),
      });
    }
    cursor = changes.at(-1)?.seq ?? toSeq;
    if (changes.length < batchSize) break;
  }
  return out;
}

/** The scopes whose changes can notify: the directory and every supplier and wedding scope. */
export function followedScopes(directory: Directory): string[] {
  const scopes = new Set<string>([DIRECTORY_SCOPE]);
  for (const supplier of directory.records.all('suppliers')) scopes.add(supplierScope(supplier.id));
  for (const couple of directory.records.all('couples')) {
    if (typeof couple.fields.weddingId === 'string') scopes.add(weddingScope(couple.fields.weddingId));
  }
  return [...scopes].sort();
}

async function noteTextsAt(log: Pick<TriggerLog, 'history'>, c: string, id: string, v: number): Promise<NoteTexts> {
  const entries = await log.history(c, id, { before: v + 1, limit: 2 });
  const body = (version: number) => entries.find((entry) => entry.v === version)?.fields[NOTE_BODY];
  const after = body(v);
  const before = body(v - 1);
  return {
    ...(typeof before === 'string' ? { before } : {}),
    ...(typeof after === 'string' ? { after } : {}),
  };
}

function indexed(change: IndexableChange, entry: HistoryEntry): IndexedRecord {
  return {
    c: change.c,
    id: change.id,
    scope: change.scope,
    v: entry.v,
    seq: entry.seq,
    fields: namedFields(change.c, entry.fields),
    deleted: entry.del === true,
    updatedBy: entry.by,
    updatedAtMs: Date.parse(entry.at),
  };
}
