import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RpcPeer } from '../ipc/rpc-peer.ts';
import type { MemoryReading, ResourceWindow, TargetConfig } from './target-config.ts';

export interface TargetStartOptions {
  /** Run the server with `--cpu-prof` writing into this directory. */
  cpuProfileDir?: string;
}

/** Parent side of the server-under-test process. */
export class TargetHandle {
  private exited: Promise<number | null>;

  private constructor(
    readonly config: TargetConfig,
    readonly url: string,
    readonly pid: number,
    private readonly child: ChildProcess,
    private readonly rpc: RpcPeer,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(config: TargetConfig, options: TargetStartOptions = {}): Promise<TargetHandle> {
    const execArgv = ['--import', 'tsx', '--expose-gc'];
    if (options.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    const child = fork(fileURLToPath(new URL('./target-process.ts', import.meta.url)), [JSON.stringify(config)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const rpc = new RpcPeer(child, `target ${config.kind}`);
    child.once('exit', (code) => rpc.failAll(`exited with ${code}`));
    const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      rpc.on<{ url: string; pid: number }>('ready', resolve);
      rpc.on<{ message: string }>('failed', ({ message }) => reject(new Error(message)));
      child.once('exit', (code) => reject(new Error(`target ${config.kind} exited with ${code} before ready`)));
    });
    return new TargetHandle(config, ready.url, ready.pid, child, rpc);
  }

  call<T>(method: string, params: unknown = {}): Promise<T> {
    return this.rpc.call<T>(method, params);
  }

  windowBegin(): Promise<void> {
    return this.rpc.call('windowBegin');
  }

  windowEnd(): Promise<ResourceWindow> {
    return this.rpc.call('windowEnd');
  }

  memory(gc: boolean): Promise<MemoryReading> {
    return this.rpc.call('memory', { gc });
  }

  connections(): Promise<{ server: number; tcp: number }> {
    return this.rpc.call('connections');
  }

  /** Closes the server gracefully and waits for the process to exit (bounded, then SIGKILL). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.rpc.call('stop').catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
