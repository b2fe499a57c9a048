import type { Server } from 'node:http';

/** A server under test as the target process runs it (child side). */
export interface RunningTarget {
  httpServer: Server;
  /** What clients connect to: `ws://127.0.0.1:port/…` (the load worker adds its query string). */
  url: string;
  /** Extra RPC methods of this kind of server (e.g. record-sync writes). */
  methods: Record<string, (params: never) => unknown>;
  /** Open client connections as the server counts them. */
  connections(): number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port. */
export function listenLocal(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
}
