import type { RealtimeClient, RecordStore } from '@wedsync/client';

const WANTS_JOINED = new Set(['joined', 'joining', 'errored']);

/** How long a pull-to-refresh waits for the server before giving up (the queue and channels stay as they are). */
export const CATCH_UP_TIMEOUT_MS = 15_000;

/**
 * Pull-to-refresh (R13.2): a forced catch-up. Reconnects first when the link is down, and asks every
 * channel that is (or is about to be) joined and bound to the store for a fresh snapshot (R11.2 full refresh) and resolves once the
 * store has synced something newer — `true` — or after `timeoutMs` — `false`.
 */
export async function catchUp(
  client: RealtimeClient,
  store: RecordStore,
  timeoutMs = CATCH_UP_TIMEOUT_MS,
): Promise<boolean> {
  const before = store.outbox.progress().lastSyncedAtMs;
  return new Promise<boolean>((resolve) => {
    let done = false;
    const offs: (() => void)[] = [];
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const off of offs) off();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    offs.push(
      store.outbox.on('progress', (progress) => {
        if (progress.lastSyncedAtMs !== null && progress.lastSyncedAtMs !== before) finish(true);
      }),
    );
    if (client.status.state !== 'connected') client.reconnect();
    // A snapshot request on a channel that is not joined yet waits for its (re)join.
    for (const channel of client.channels()) {
      if (WANTS_JOINED.has(channel.state)) store.requestSnapshot(channel.topic);
    }
  });
}
