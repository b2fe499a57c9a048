import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { listenLocal, type RunningTarget } from './running-target.ts';

/**
 * Baseline "the practical limit": a plain `ws` server with no protocol. A client names its room in
 * the URL (`?room=r`); every text message is sent as received to every other member of the room.
 * Same transport settings as ours: no permessage-deflate.
 */
export async function startWsTarget(): Promise<RunningTarget> {
  const httpServer = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, maxPayload: 1 << 20 });
  const rooms = new Map<string, Set<WebSocket>>();
  wss.on('connection', (socket, request) => {
    const room = new URL(request.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    let members = rooms.get(room);
    if (!members) {
      members = new Set();
      rooms.set(room, members);
    }
    const own = members;
    own.add(socket);
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => {
      for (const peer of own)
        if (peer !== socket && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    });
    socket.once('close', () => {
      own.delete(socket);
      if (own.size === 0) rooms.delete(room);
    });
  });
  const port = await listenLocal(httpServer);
  return {
    httpServer,
    url: `ws://127.0.0.1:${port}/`,
    methods: {},
    connections: () => wss.clients.size,
    async close() {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
