import type { Actor } from '../storage/storage.ts';
import type { SyncSession } from './record-sync-host.ts';

/**
 * Replay protection is kept per client id (DESIGN §1). Client ids travel in delivered changes (`cid`),
 * so anyone could copy one; the log therefore keys them by user: `{userId}:{clientId}`. Another user
 * reusing a seen client id gets a queue of their own instead of poisoning its mutation ids.
 * On the wire the `cid` is the client's own id again.
 */
export function storageClientId(userId: string, clientId: string): string {
  return `${userId}:${clientId}`;
}

/**
 * The client id as its client knows it, from a logged `cid` written by `by`. `by` is the writer's user
 * id or that id tagged (`{tag}:{userId}`, see `RecordSyncHooks.actorForWrite`), while the `cid` is always
 * keyed by the plain user id: the longest user id that `by` is or ends with (after a `:`) and that
 * prefixes the `cid` is stripped.
 */
export function wireClientId(cid: string, by: string): string {
  for (let start = 0; start <= by.length; ) {
    const prefix = `${by.slice(start)}:`;
    if (cid.startsWith(prefix)) return cid.slice(prefix.length);
    const colon = by.indexOf(':', start);
    if (colon < 0) break;
    start = colon + 1;
  }
  return cid;
}

export function actorOf(session: SyncSession): Actor {
  return { userId: session.user.id, name: session.user.name, sessionId: session.id };
}

/**
 * An application-chosen write actor, checked: its `userId` must be the session's user id or that id
 * tagged (`{tag}:{userId}`), so `wireClientId` can still hand writers their own client ids. The
 * session id is always the session's (locks are released with it).
 */
export function checkWriteActor(actor: Actor, session: SyncSession): Actor {
  const userId = session.user.id;
  const { userId: label, name } = actor ?? {};
  if (typeof label !== 'string' || (label !== userId && !label.endsWith(`:${userId}`))) {
    throw new Error(`actorForWrite returned ${JSON.stringify(label)} for user ${JSON.stringify(userId)}`);
  }
  return { userId: label, name: typeof name === 'string' ? name : session.user.name, sessionId: session.id };
}
