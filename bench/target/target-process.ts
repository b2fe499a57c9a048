/**
 * The server under test, run as its own process (forked by `TargetHandle`) so that its CPU, memory
 * and event-loop figures are its own and not the load generator's. argv[2] is a JSON `TargetConfig`.
 * Reports `ready { url }`, then answers RPCs: windowBegin / windowEnd (ResourceWindow), memory
 * (optionally after a full GC), connections, profileStart / profileStop (the V8 CPU profiler — the
 * one `--cpu-prof` uses — over just the measured part, without module loading), stop (closes and
 * exits 0), plus the kind's own methods.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Socket } from 'node:net';
import { RpcPeer } from '../ipc/rpc-peer.ts';
import { ResourceSampler } from './resource-sampler.ts';
import type { RunningTarget } from './running-target.ts';
import { startSocketIoTarget } from './socketio-target.ts';
import type { TargetConfig } from './target-config.ts';
import { startWedsyncTarget } from './wedsync-target.ts';
import { startWsTarget } from './ws-target.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as TargetConfig;
const rpc = new RpcPeer(process, `target ${config.kind}`);

async function start(): Promise<RunningTarget> {
  if (config.kind === 'wedsync') return startWedsyncTarget(config);
  if (config.kind === 'ws') return startWsTarget();
  if (config.kind === 'socketio') return startSocketIoTarget();
  throw new Error(`unknown target kind ${String(config.kind)}`);
}

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  // Several passes: weak references and finalisers free more on the following pass.
  for (let pass = 0; pass < 3; pass++) gc();
};

try {
  const target = await start();
  const sockets = new Set<Socket>();
  target.httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const sampler = new ResourceSampler(sockets, config.sampleIntervalMs ?? 500);
  const inspector = new Session();
  rpc.serve({
    ...target.methods,
    windowBegin: () => sampler.begin(),
    windowEnd: () => sampler.end(),
    memory(params: { gc?: boolean }) {
      if (params.gc) collectGarbage();
      return sampler.memory();
    },
    connections: () => ({ server: target.connections(), tcp: sockets.size }),
    async profileStart() {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    },
    /** Stops the profiler and writes the `.cpuprofile` (Chrome DevTools / speedscope format) to `file`. */
    async profileStop(params: { file: string }) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(params.file, JSON.stringify(profile));
      inspector.disconnect();
      return { file: params.file };
    },
    async stop() {
      sampler.stop();
      await target.close();
      setImmediate(() => process.exit(0));
    },
  });
  process.on('disconnect', () => process.exit(0));
  rpc.emit('ready', { url: target.url, pid: process.pid });
} catch (error) {
  rpc.emit('failed', { message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setImmediate(() => process.exit(1));
}
