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

/** The client id as its client knows it, from a logged `cid` written by user `by`. */
export function wireClientId(cid: string, by: string): string {
  const prefix = `${by}:`;
  return cid.startsWith(prefix) ? cid.slice(prefix.length) : cid;
}

export function actorOf(session: SyncSession): Actor {
  return { userId: session.user.id, name: session.user.name, sessionId: session.id };
}
