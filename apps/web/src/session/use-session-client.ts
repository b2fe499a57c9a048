import { createHttpTelemetrySender, RealtimeClient, type RecordStore, SyncTelemetry } from '@wedsync/client';
import { useEffect, useState } from 'react';
import { closeSessionStore, openSessionStore } from '../data/open-session-store.ts';
import { type ConnectionLogEntry, recordConnectionLog } from '../diagnostics/connection-log.ts';
import { fetchMe, type Me } from './session-api.ts';

export interface SessionClient {
  client: RealtimeClient;
  /** The record store with the offline queue (R3, R11); null while it opens. */
  store: RecordStore | null;
  /** Identity and topics from GET /api/me; null until loaded (or while offline after a reload). */
  me: Me | null;
  meError: string | null;
  connectionLog: ConnectionLogEntry[];
}

/** The WebSocket endpoint on the page's own origin (the app server, or Vite's proxy in development). */
export function socketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/socket/websocket`;
}

/**
 * R1.1/R1.2: after login, one client opens one WebSocket with the user's token and joins the user's
 * primary channels on its own (R1.2). The client lives as long as the token; logging out closes it.
 */
export function useSessionClient(token: string, userId: string): SessionClient | null {
  const [session, setSession] = useState<SessionClient | null>(null);

  useEffect(() => {
    const client = new RealtimeClient({ url: socketUrl(), token });
    const connectionLog: ConnectionLogEntry[] = [];
    const stopLog = recordConnectionLog(client, connectionLog);
    let cancelled = false;
    let scope: ReturnType<RealtimeClient['autoSubscribe']> | null = null;
    let store: RecordStore | null = null;
    let me: SessionClient['me'] = null;
    let meError: string | null = null;
    const publish = () => {
      if (!cancelled) setSession({ client, store, me, meError, connectionLog });
    };
    publish();
    // R12.1, R16.1: the client's own view of sync (uptime, round trips, reconnects, failures and
    // conflicts) reaches the server every 10 s and as the page hides; it feeds the Sync page's graphs.
    let telemetry: SyncTelemetry | null = null;
    const startTelemetry = (outbox?: RecordStore['outbox']) => {
      if (cancelled || telemetry) return;
      telemetry = new SyncTelemetry({
        client,
        outbox,
        send: createHttpTelemetrySender({ url: '/api/telemetry', token }),
        visibility: document,
      });
    };
    openSessionStore(userId).then(
      (opened) => {
        if (cancelled) return void closeSessionStore(opened);
        store = opened;
        startTelemetry(opened.outbox);
        publish();
      },
      (error: Error) => {
        meError = `STORE_UNAVAILABLE: ${error.message}`;
        startTelemetry();
        publish();
      },
    );
    client.connect();
    // /api/me is retried each time the link comes back (e.g. a reload while offline).
    let loading = false;
    let loaded = false;
    const load = () => {
      if (loading || loaded || cancelled) return;
      loading = true;
      fetchMe(token).then(
        (loadedMe) => {
          loading = false;
          if (cancelled) return;
          loaded = true;
          me = loadedMe;
          meError = null;
          scope = client.autoSubscribe(loadedMe.primaryTopics);
          publish();
        },
        (error: Error & { code?: string }) => {
          loading = false;
          meError = error.code ?? error.message;
          publish();
        },
      );
    };
    load();
    const stopRetry = client.onStatus((status) => {
      if (status.state === 'connected') load();
    });
    return () => {
      cancelled = true;
      void telemetry?.close();
      stopLog();
      stopRetry();
      void scope?.dispose();
      if (store) void closeSessionStore(store);
      void client.close();
    };
  }, [token, userId]);

  return session;
}
