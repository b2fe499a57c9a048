import { NOTIFICATION_TOAST_EVENT, type NotificationToast } from '@wedsync/protocol';
import { weddingSchemas } from '@wedsync/wedding';
import WebSocket from 'ws';
import type { Channel } from '../../../packages/client/src/channels/channel.ts';
import { MemoryQueueStorage } from '../../../packages/client/src/outbox/memory-queue-storage.ts';
import { RealtimeClient } from '../../../packages/client/src/realtime-client.ts';
import { bindChannel } from '../../../packages/client/src/store/channel-binding.ts';
import { RecordStore } from '../../../packages/client/src/store/record-store.ts';

/** One signed-in device: the SDK's client and record store joined to one topic, collecting toasts. */
export interface Device {
  userId: string;
  client: RealtimeClient;
  channel: Channel;
  store: RecordStore;
  toasts: NotificationToast[];
  /** Resolves with the first toast (already received or to come) that matches. */
  toast(match: (toast: NotificationToast) => boolean, timeoutMs?: number): Promise<NotificationToast>;
  /** Resolves once `check()` holds, re-checked on every store change. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  unread(): number;
  close(): Promise<void>;
}

export async function login(baseUrl: string, email: string): Promise<{ token: string; userId: string }> {
  const response = await fetch(`${baseUrl}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}

export async function connectDevice(
  baseUrl: string,
  session: { token: string; userId: string },
  topic: string,
): Promise<Device> {
  const store = await RecordStore.open({
    storage: new MemoryQueueStorage(),
    schemas: weddingSchemas,
    defaultTopic: topic,
  });
  const client = new RealtimeClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/socket/websocket`,
    token: session.token,
    WebSocket: WebSocket as never,
    onlineEvents: null,
    backoff: { baseMs: 20, capMs: 200 },
  });
  const channel = client.channel(topic);
  const toasts: NotificationToast[] = [];
  const toastWaiters = new Set<() => void>();
  channel.on(NOTIFICATION_TOAST_EVENT, (payload) => {
    toasts.push(payload as NotificationToast);
    for (const waiter of toastWaiters) waiter();
  });
  const unbind = bindChannel(store, channel);
  await channel.join();
  const wait = <T>(
    probe: () => T | undefined,
    subscribe: (fn: () => void) => () => void,
    what: string,
    timeoutMs: number,
  ) =>
    new Promise<T>((resolve, reject) => {
      let off: () => void = () => {};
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        off();
        resolve(value);
      };
      off = subscribe(check);
      check();
    });
  const unread = () => store.query('notifications').filter((record) => record.fields.readAtMs == null).length;
  return {
    userId: session.userId,
    client,
    channel,
    store,
    toasts,
    unread,
    toast: (match, timeoutMs = 20_000) =>
      wait(
        () => toasts.find(match),
        (fn) => {
          toastWaiters.add(fn);
          return () => toastWaiters.delete(fn);
        },
        'a toast',
        timeoutMs,
      ),
    until: (check, what, timeoutMs = 20_000) =>
      wait(
        () => (check() ? true : undefined),
        (fn) => store.subscribe(fn),
        what,
        timeoutMs,
      ).then(() => undefined),
    async close() {
      unbind();
      await store.close();
      await client.close();
    },
  };
}
