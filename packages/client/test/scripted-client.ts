import { vi } from 'vitest';
import { type ConnectionStatus, RealtimeClient, type RealtimeClientOptions } from '../src/index.ts';
import { type ScriptedSocket, scriptedWebSocket } from './scripted-socket.ts';

/**
 * A client on scripted sockets and vitest fake timers. `settle()` lets promise callbacks (token provider,
 * socket close) run without moving the clock.
 */
export function scriptedClient(overrides: Partial<RealtimeClientOptions> = {}) {
  const ws = scriptedWebSocket();
  const online = new EventTarget();
  const statuses: ConnectionStatus[] = [];
  const errors: unknown[] = [];
  const client = new RealtimeClient({
    url: 'ws://realtime.test/socket/websocket',
    token: 'static-token',
    WebSocket: ws.WebSocket,
    random: () => 0.5,
    onlineEvents: online,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  client.onStatus((status) => statuses.push(status));
  const settle = () => vi.advanceTimersByTimeAsync(0);
  /** Connects and opens the socket; returns it. */
  const connectOpen = async (): Promise<ScriptedSocket> => {
    client.connect();
    await settle();
    const socket = ws.last();
    socket.open();
    return socket;
  };
  /** Joins `topic` on the open socket and answers ok. */
  const joinOk = async (topic: string, socket: ScriptedSocket = ws.last(), options = {}) => {
    const channel = client.channel(topic, options);
    const joined = channel.join();
    await settle();
    socket.reply({ topic, event: 'phx_join' }, 'ok', {});
    await joined;
    return channel;
  };
  return { client, ws, online, statuses, errors, settle, connectOpen, joinOk };
}
