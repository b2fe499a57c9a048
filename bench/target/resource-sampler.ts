import type { Socket } from 'node:net';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import type { MemoryReading, ResourceWindow } from './target-config.ts';

/**
 * Samples the server process it runs in: CPU and event-loop utilisation over a window, RSS and the
 * user-space send queue of every socket (peak and mean) every `intervalMs`. The timer is unref'd.
 */
export class ResourceSampler {
  private cpuStart = process.cpuUsage();
  private eluStart: EventLoopUtilization = performance.eventLoopUtilization();
  private startedMs = performance.now();
  private rssStartBytes = process.memoryUsage.rss();
  private rssMaxBytes = this.rssStartBytes;
  private queueMaxBytes = 0;
  private queueSumBytes = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sockets: ReadonlySet<Socket>,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  begin(): void {
    this.cpuStart = process.cpuUsage();
    this.eluStart = performance.eventLoopUtilization();
    this.startedMs = performance.now();
    this.rssStartBytes = process.memoryUsage.rss();
    this.rssMaxBytes = this.rssStartBytes;
    this.queueMaxBytes = 0;
    this.queueSumBytes = 0;
    this.samples = 0;
  }

  end(): ResourceWindow {
    this.sample();
    const cpu = process.cpuUsage(this.cpuStart);
    const elu = performance.eventLoopUtilization(this.eluStart);
    const durationMs = performance.now() - this.startedMs;
    const memory = process.memoryUsage();
    return {
      durationMs: Math.round(durationMs),
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / durationMs) * 1000) / 10,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      elu: Math.round(elu.utilization * 1000) / 1000,
      rssStartBytes: this.rssStartBytes,
      rssMaxBytes: this.rssMaxBytes,
      rssEndBytes: memory.rss,
      heapUsedEndBytes: memory.heapUsed,
      sendQueueMaxBytes: this.queueMaxBytes,
      sendQueueMeanBytes: this.samples === 0 ? 0 : Math.round(this.queueSumBytes / this.samples),
      sockets: this.sockets.size,
    };
  }

  memory(): MemoryReading {
    const memory = process.memoryUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      sockets: this.sockets.size,
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.rssMaxBytes) this.rssMaxBytes = rss;
    let queued = 0;
    for (const socket of this.sockets) queued += socket.writableLength;
    if (queued > this.queueMaxBytes) this.queueMaxBytes = queued;
    this.queueSumBytes += queued;
    this.samples++;
  }
}
