import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from '@wedsync/server';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import WebSocket from 'ws';
import {
  type Channel,
  type ChannelState,
  type ConnectionStatus,
  RealtimeClient,
  type RealtimeClientOptions,
} from '../src/index.ts';

/** Integration fixture: the real server on port 0, HS256 tokens, clients on the `ws` package. */
export const SECRET = 'client-integration-secret-0123456789';
const secretKey = new TextEncoder().encode(SECRET);

export async function signToken(sub: string, { expiresInSec = 3600, secret = secretKey } = {}): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + expiresInSec)
    .sign(secret);
}

export class ServerFixture {
  private readonly servers: RealtimeServer[] = [];
  private readonly clients: RealtimeClient[] = [];

  async start(
    options: Partial<RealtimeServerOptions> = {},
    port = 0,
  ): Promise<{ server: RealtimeServer; wsUrl: string; port: number }> {
    const server = await createRealtimeServer({ jwtSecret: SECRET, logger: pino({ level: 'silent' }), ...options });
    this.servers.push(server);
    const listening = await server.listen({ port, host: '127.0.0.1' });
    return { server, wsUrl: listening.wsUrl, port: listening.port };
  }

  client(options: Partial<RealtimeClientOptions> & Pick<RealtimeClientOptions, 'url' | 'token'>): RealtimeClient {
    const client = new RealtimeClient({
      WebSocket,
      onlineEvents: null,
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  async closeServer(server: RealtimeServer): Promise<void> {
    this.servers.splice(this.servers.indexOf(server), 1);
    await server.close();
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    await Promise.all(this.servers.splice(0).map((server) => server.close()));
  }
}

/** Resolves when the client's status matches (checked now and on every change); rejects after timeoutMs. */
export function statusWhere(
  client: RealtimeClient,
  predicate: (status: ConnectionStatus) => boolean,
  timeoutMs = 5_000,
): Promise<ConnectionStatus> {
  return until(
    (resolve) => {
      if (predicate(client.status)) resolve(client.status);
      return client.onStatus((status) => {
        if (predicate(status)) resolve(status);
      });
    },
    timeoutMs,
    'connection status',
  );
}

export function channelState(channel: Channel, state: ChannelState, timeoutMs = 5_000): Promise<void> {
  return until(
    (resolve) => {
      if (channel.state === state) resolve();
      return channel.onState((next) => {
        if (next === state) resolve();
      });
    },
    timeoutMs,
    `channel ${channel.topic} ${state}`,
  );
}

/** Waits for an event a callback reports; `subscribe` returns its unsubscribe function. */
export function until<T = void>(
  subscribe: (resolve: (value: T) => void) => () => void,
  timeoutMs = 5_000,
  what = 'event',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe?.());
      settle();
    };
    unsubscribe = subscribe((value) => finish(() => resolve(value)));
    if (done) unsubscribe();
  });
}
