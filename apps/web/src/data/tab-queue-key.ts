/**
 * Which offline queue this tab uses (R11.1, acceptance scenario 1). A queue is one localStorage
 * document with one client id and one run of mutation ids; two live tabs writing the same document
 * would hand out the same mids (the server acknowledges the second as a duplicate and never applies
 * it) and overwrite each other's queue. So each live tab holds a Web Lock on its queue's key:
 * - the tab keeps its key across reloads (sessionStorage), waiting briefly for its previous page to
 *   let go of the lock;
 * - else the person's main queue, else a queue left behind by a closed tab (its changes still go out),
 *   else a new queue of its own. Left-behind queues with nothing to send are removed.
 * Without Web Locks (old browsers) every tab shares the main queue, as before.
 */
const RELOAD_WAIT_MS = 1_500;
const TAB_KEY_PREFIX = 'wedsync.queue-key.';

export interface TabQueue {
  key: string;
  /** Lets another tab take this queue (logout); the lock also ends with the page. */
  release: () => void;
}

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<void>;
}

export async function claimTabQueue(userId: string): Promise<TabQueue> {
  const main = `wedsync.sync.${userId}`;
  const locks = (navigator as Navigator & { locks?: LockManagerLike }).locks;
  if (!locks) return { key: main, release: () => {} };
  const remembered = readSession(`${TAB_KEY_PREFIX}${userId}`);
  const candidates = [...new Set([remembered, main, ...leftBehind(main)].filter((key): key is string => !!key))];
  let claimed: TabQueue | null = null;
  for (const key of candidates) {
    const held = await hold(locks, key, key === remembered ? RELOAD_WAIT_MS : 0);
    if (held) {
      claimed = remember(userId, key, held);
      break;
    }
  }
  if (!claimed) {
    const own = `${main}.tab-${randomId()}`;
    claimed = remember(userId, own, (await hold(locks, own, 0)) ?? (() => {}));
  }
  await pruneLeftBehind(locks, main, claimed.key);
  return claimed;
}

/**
 * Drops queues of closed tabs that hold nothing to send (each also caches records, and localStorage
 * is small); one with queued changes stays until a tab takes it over and sends them.
 */
async function pruneLeftBehind(locks: LockManagerLike, main: string, mine: string): Promise<void> {
  for (const key of leftBehind(main)) {
    if (key === mine) continue;
    const held = await hold(locks, key, 0);
    if (!held) continue;
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as { pending?: unknown[] } | null;
      if (!saved || !Array.isArray(saved.pending) || saved.pending.length === 0) localStorage.removeItem(key);
    } catch {
      // Unreadable: leave it; the store that opens it reports the problem.
    } finally {
      held();
    }
  }
}

/** Holds the lock `name` until the returned release is called; null when another tab holds it. */
function hold(locks: LockManagerLike, name: string, waitMs: number): Promise<(() => void) | null> {
  return new Promise((resolve) => {
    let release: () => void = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    const options = waitMs > 0 ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
    locks
      .request(`wedsync-queue:${name}`, options, async (lock) => {
        if (!lock) return resolve(null);
        resolve(release);
        await held;
      })
      .catch(() => resolve(null));
  });
}

function remember(userId: string, key: string, release: () => void): TabQueue {
  try {
    sessionStorage.setItem(`${TAB_KEY_PREFIX}${userId}`, key);
  } catch {
    // Without sessionStorage a reload picks a queue again (the main one, or one left behind).
  }
  return { key, release };
}

/** Queues of closed tabs of this person still in localStorage (`{main}.tab-…`). */
function leftBehind(main: string): string[] {
  const keys: string[] = [];
  try {
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index);
      // `….lease` items are the queues' leases (LocalStorageQueueShelf), not queues.
      if (key?.startsWith(`${main}.tab-`) && !key.endsWith('.lease')) keys.push(key);
    }
  } catch {
    return [];
  }
  return keys.sort();
}

function readSession(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function randomId(): string {
  return globalThis.crypto?.randomUUID?.().slice(0, 8) ?? Math.random().toString(36).slice(2, 10);
}
