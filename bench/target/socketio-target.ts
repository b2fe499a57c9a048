import { createServer } from 'node:http';
import { listenLocal, type RunningTarget } from './running-target.ts';

/** The part of socket.io's API this baseline uses (typed locally: the package is optional). */
interface IoSocket {
  handshake: { query: Record<string, unknown> };
  join(room: string): void;
  to(room: string): { emit(event: string, data: unknown): void };
  on(event: string, listener: (data: unknown) => void): void;
}
interface IoServer {
  on(event: 'connection', listener: (socket: IoSocket) => void): void;
  engine: { clientsCount: number };
  close(callback?: () => void): void;
}

/**
 * Baseline "the popular peer": Socket.IO 4 doing the same room fan-out (`socket.to(room).emit`, which
 * encodes once per broadcast), WebSocket transport only, no permessage-deflate (its default).
 */
export async function startSocketIoTarget(): Promise<RunningTarget> {
  const moduleName = 'socket.io';
  let io: IoServer;
  const httpServer = createServer();
  try {
    const { Server } = (await import(moduleName)) as { Server: new (server: unknown, options: object) => IoServer };
    io = new Server(httpServer, { serveClient: false, transports: ['websocket'], perMessageDeflate: false });
  } catch (error) {
    throw new Error('socket.io is not installed (see /work/h9-deps-request.txt)', { cause: error });
  }
  io.on('connection', (socket) => {
    const room = String(socket.handshake.query.room ?? '');
    socket.join(room);
    socket.on('m', (data) => socket.to(room).emit('m', data));
  });
  const port = await listenLocal(httpServer);
  return {
    httpServer,
    url: `ws://127.0.0.1:${port}/socket.io/`,
    methods: {},
    connections: () => io.engine.clientsCount,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
