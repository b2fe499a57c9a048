import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RpcPeer } from '../ipc/rpc-peer.ts';
import type { ClientLayout } from './client-layout.ts';

/** One process holds at most this many client sockets (open-file limit 20,000, minus headroom for the reconnect storm). */
export const MAX_SOCKETS_PER_PROCESS = 18_000;

/** The load-generator processes of a run (parent side); clients are split into contiguous ranges. */
export class LoadPool {
  private constructor(
    private readonly children: ChildProcess[],
    private readonly peers: RpcPeer[],
  ) {}

  static async start(workers: number): Promise<LoadPool> {
    const children: ChildProcess[] = [];
    const peers: RpcPeer[] = [];
    await Promise.all(
      Array.from({ length: workers }, async (_unused, index) => {
        const child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
          execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const peer = new RpcPeer(child, `load worker ${index}`);
        child.once('exit', (code) => peer.failAll(`exited with ${code}`));
        await new Promise<void>((resolve, reject) => {
          peer.on('ready', () => resolve());
          child.once('exit', (code) => reject(new Error(`load worker ${index} exited with ${code}`)));
        });
        children[index] = child;
        peers[index] = peer;
      }),
    );
    return new LoadPool(children, peers);
  }

  /** Workers needed for `clients` sockets, at least `minimum`. */
  static workersFor(clients: number, minimum = 1): number {
    return Math.max(minimum, Math.ceil(clients / MAX_SOCKETS_PER_PROCESS));
  }

  get size(): number {
    return this.peers.length;
  }

  /** Splits the layout's clients over the workers. */
  async init(layout: ClientLayout): Promise<void> {
    const per = Math.ceil(layout.totalClients / this.peers.length);
    if (per > MAX_SOCKETS_PER_PROCESS)
      throw new Error(`${per} clients per worker exceeds ${MAX_SOCKETS_PER_PROCESS}; add workers`);
    await this.all('init', (index: number) => {
      const first = Math.min(layout.totalClients, index * per);
      return { layout, first, count: Math.min(per, layout.totalClients - first) };
    });
  }

  /** Calls `method` on every worker (params per worker index) and returns the answers in order. */
  all<T>(method: string, params: unknown | ((index: number) => unknown) = {}): Promise<T[]> {
    return Promise.all(
      this.peers.map((peer, index) =>
        peer.call<T>(method, typeof params === 'function' ? (params as (i: number) => unknown)(index) : params),
      ),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child, index) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await this.peers[index]!.call('exit').catch(() => {});
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
