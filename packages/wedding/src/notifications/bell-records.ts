import type { FieldOp, Mutation, NotificationImportance, NotificationTrigger } from '@wedsync/protocol';
import { fieldIdOf, fieldNameOf } from '../collections/wedding-schemas.ts';
import { userScope } from '../rights/audience.ts';

/** A bell entry as the web app and the HTTP API show it (R5.3). */
export interface BellNotification {
  id: string;
  trigger: NotificationTrigger;
  importance: NotificationImportance;
  title: string;
  body: string;
  link?: string;
  createdAtMs: number;
  /** Null while unread. Marking read/unread is a write of this field, synced to every device. */
  readAtMs: number | null;
}

/** What the bell record is made of (a delivered notification). */
export interface BellSource {
  id: string;
  userId: string;
  trigger: NotificationTrigger;
  importance: NotificationImportance;
  title: string;
  body: string;
  link?: string;
  createdAtMs: number;
}

/**
 * The commit that creates a notification's bell record in `user:{userId}` (R5.3). Commit it with a
 * client id used for nothing else (e.g. `notify-{id}`) and this mid 1, so writing it again is a
 * `duplicate` (idempotent, and a cleared notification is not brought back).
 */
export function bellRecordCommit(notification: BellSource): { scope: string; mutation: Mutation } {
  const set = (field: string, v: unknown): FieldOp => ({ k: 'set', f: fieldIdOf('notifications', field), v });
  return {
    scope: userScope(notification.userId),
    mutation: {
      mid: 1,
      c: 'notifications',
      id: notification.id,
      base: 0,
      ops: [
        set('userId', notification.userId),
        set('trigger', notification.trigger),
        set('title', notification.title),
        set('body', notification.body),
        set('importance', notification.importance),
        set('createdAtMs', notification.createdAtMs),
        set('readAtMs', null),
        set('link', notification.link ?? null),
      ],
    },
  };
}

/** The mutation marking one notification read (now) or unread (null). */
export function bellReadMutation(id: string, mid: number, readAtMs: number | null): Mutation {
  return {
    mid,
    c: 'notifications',
    id,
    base: 0,
    ops: [{ k: 'set', f: fieldIdOf('notifications', 'readAtMs'), v: readAtMs }],
  };
}

/** A stored `notifications` record (fields by wire id) as a bell entry; undefined if not one. */
export function bellFromRecord(record: {
  id: string;
  fields: Record<string, unknown>;
  del?: boolean;
}): BellNotification | undefined {
  if (record.del) return undefined;
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.fields)) {
    const name = fieldNameOf('notifications', Number(key));
    if (name) named[name] = value;
  }
  if (typeof named.title !== 'string' || typeof named.createdAtMs !== 'number') return undefined;
  const entry: BellNotification = {
    id: record.id,
    trigger: named.trigger as NotificationTrigger,
    importance: named.importance as NotificationImportance,
    title: named.title,
    body: typeof named.body === 'string' ? named.body : '',
    createdAtMs: named.createdAtMs,
    readAtMs: typeof named.readAtMs === 'number' ? named.readAtMs : null,
  };
  if (typeof named.link === 'string') entry.link = named.link;
  return entry;
}
