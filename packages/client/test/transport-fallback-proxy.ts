import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An HTTP proxy in front of the realtime server that can refuse WebSocket upgrades (like a corporate
 * proxy or a CDN without WebSocket support) while passing plain HTTP, so long-poll still works.
 * `blockUpgrades(status)` answers every Upgrade with that HTTP status; `allowUpgrades()` tunnels them;
 * `dropTunnels()` cuts the WebSockets already open (as a proxy restart would).
 */
export class UpgradeBlockingProxy {
  private blockedWith: number | null = null;
  private readonly tunnels = new Set<Socket | Duplex>();
  refusedUpgrades = 0;
  httpRequests = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<UpgradeBlockingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new UpgradeBlockingProxy(server, (server.address() as AddressInfo).port);
    server.on('request', (request, response) => {
      proxy.httpRequests += 1;
      const upstream = httpRequest(
        { host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502).end();
        else response.destroy();
      });
      response.on('close', () => upstream.destroy());
      request.pipe(upstream);
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      proxy.upgrade(request, socket, head, targetPort),
    );
    return proxy;
  }

  /** `ws[s]://` URL of the proxy for a path of the target. */
  wsUrl(path = '/socket/websocket'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  blockUpgrades(status = 403): void {
    this.blockedWith = status;
  }

  allowUpgrades(): void {
    this.blockedWith = null;
  }

  dropTunnels(): void {
    for (const socket of this.tunnels) socket.destroy();
    this.tunnels.clear();
  }

  async close(): Promise<void> {
    this.dropTunnels();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, targetPort: number): void {
    socket.on('error', () => {});
    if (this.blockedWith !== null) {
      this.refusedUpgrades += 1;
      socket.end(`HTTP/1.1 ${this.blockedWith} Blocked\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    this.tunnels.add(socket);
    this.tunnels.add(upstream);
    const forget = () => {
      this.tunnels.delete(socket);
      this.tunnels.delete(upstream);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', forget);
    upstream.on('close', forget);
    upstream.on('connect', () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let index = 0; index < request.rawHeaders.length; index += 2) {
        lines.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  }
}
