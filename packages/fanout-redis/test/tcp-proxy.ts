import { once } from 'node:events';
import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** Bytes held while paused, per direction. */
  heldUp: Buffer[];
  heldDown: Buffer[];
}

/**
 * A TCP proxy in front of Redis for fault tests: it cuts or silences one node's connections without
 * touching the shared Redis server or anyone else's connections.
 * - `cut()`: every connection is destroyed and new ones are reset at once (a hard partition).
 * - `pause()`: connections stay open but no byte flows either way; bytes are held and flushed by
 *   `restore()`, as TCP retransmission would after a partition heals (a silent partition).
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private mode: 'open' | 'cut' | 'paused' = 'open';
  private refused = 0;
  private readonly refusalWaiters = new Set<{ count: number; resolve: () => void }>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new TcpProxy(server, { host: url.hostname, port: Number(url.port || 6379) });
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  /** The target URL rewritten to go through this proxy (credentials and db kept). */
  urlFor(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  get connectionCount(): number {
    return this.pairs.size;
  }

  cut(): void {
    this.mode = 'cut';
    for (const pair of this.pairs) this.drop(pair);
  }

  /** Resolves once `count` more connection attempts were refused while cut. */
  untilRefused(count: number): Promise<void> {
    return new Promise((resolve) => this.refusalWaiters.add({ count: this.refused + count, resolve }));
  }

  pause(): void {
    this.mode = 'paused';
  }

  restore(): void {
    this.mode = 'open';
    for (const pair of this.pairs) {
      for (const chunk of pair.heldUp.splice(0)) pair.upstream.write(chunk);
      for (const chunk of pair.heldDown.splice(0)) pair.client.write(chunk);
    }
  }

  /** Idempotent; resolves once every socket and the listening handle are released. */
  async close(): Promise<void> {
    const sockets = [...this.pairs].flatMap((pair) => [pair.client, pair.upstream]);
    for (const pair of this.pairs) this.drop(pair);
    await Promise.all(sockets.filter((socket) => !socket.closed).map((socket) => once(socket, 'close')));
    if (!this.server.listening) return;
    this.server.close();
    await once(this.server, 'close');
    // 'close' of a server is emitted before libuv's close callback frees its handle (the "close
    // callbacks" phase comes after the "check" phase), so wait one more loop iteration.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'cut') {
      client.resetAndDestroy();
      this.refused++;
      for (const waiter of this.refusalWaiters) {
        if (this.refused < waiter.count) continue;
        this.refusalWaiters.delete(waiter);
        waiter.resolve();
      }
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, heldUp: [], heldDown: [] };
    this.pairs.add(pair);
    client.on('data', (chunk) => (this.mode === 'paused' ? pair.heldUp.push(chunk) : upstream.write(chunk)));
    upstream.on('data', (chunk) => (this.mode === 'paused' ? pair.heldDown.push(chunk) : client.write(chunk)));
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.drop(pair));
      // A side that closes (even while paused) ends the pair: held bytes are discarded, never sent late.
      socket.on('close', () => this.drop(pair));
    }
  }

  private drop(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
