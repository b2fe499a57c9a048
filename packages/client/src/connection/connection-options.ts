import type { Frame, SerializerVersion } from '@wedsync/protocol';
import type { WebSocketConstructor } from '../transports/websocket-transport.ts';
import type { BackoffOptions } from './backoff.ts';
import type { Timers } from './timers.ts';
import type { TokenSource } from './token-source.ts';

export interface ConnectionOptions {
  /** WebSocket endpoint, e.g. `wss://host/realtime/v1/websocket`; `apikey`, `vsn` and `params` are appended. */
  url: string;
  params: Record<string, string>;
  vsn: SerializerVersion;
  heartbeatIntervalMs: number;
  backoff: BackoffOptions;
  random: () => number;
  timers: Timers;
  WebSocket: WebSocketConstructor;
  tokens: TokenSource;
  /** Source of `online`/`offline` events (the browser's window), or null. */
  onlineEvents: EventTarget | null;
  /** A graceful close that gets no answer within this time is cut (ms). */
  closeTimeoutMs: number;
}

/** What the connection tells the layer above (the channel registry). */
export interface ConnectionEvents {
  onFrame(frame: Frame): void;
  /** The socket opened: channels (re)join. */
  onUp(): void;
  /** The socket is gone: in-flight pushes fail, joined channels become errored. */
  onDown(reason: string): void;
}

/** The socket URL: `url` plus `params`, `apikey` (the token, as realtime-js sends it) and `vsn`. Throws on a bad URL. */
export function socketUrl(options: Pick<ConnectionOptions, 'url' | 'params' | 'vsn'>, token: string): string {
  const target = new URL(options.url);
  for (const [key, value] of Object.entries(options.params)) target.searchParams.set(key, value);
  target.searchParams.set('apikey', token);
  target.searchParams.set('vsn', options.vsn);
  return target.toString();
}
