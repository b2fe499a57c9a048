/**
 * What the parent asks the server-under-test process to run. Everything is JSON (it travels as a
 * command-line argument to the forked child).
 */
export type TargetKind = 'wedsync' | 'ws' | 'socketio';

/** Shared HS256 secret of the bench: workers sign tokens, the WedSync target verifies them. */
export const BENCH_JWT_SECRET = 'wedsync-bench-secret-of-at-least-32-bytes!';

export interface RecordsConfig {
  storage: 'pglite' | 'postgres';
  /** Required for `postgres`; a throw-away schema is created in it and dropped on stop. */
  databaseUrl?: string;
  /** Record the monotonic time each change's commit resolved (for commit→client latency). */
  stampCommits?: boolean;
}

export interface TargetConfig {
  kind: TargetKind;
  /** WedSync only: disable the per-user message rate limit (one publisher sending hundreds/s). */
  noRateLimit?: boolean;
  /** WedSync only: attach durable record sync on this storage. */
  records?: RecordsConfig;
  /** Resource sampling period; default 500 ms. */
  sampleIntervalMs?: number;
}

/** Server resource use over one measurement window (between `windowBegin` and `windowEnd`). */
export interface ResourceWindow {
  durationMs: number;
  /** user+system CPU time over wall time, in % of one core (200 = both cores). */
  cpuPercent: number;
  /** user+system CPU time of the server in the window (divide by work done for a contention-robust cost). */
  cpuMs: number;
  /** Event-loop utilisation 0…1 (perf_hooks eventLoopUtilization). */
  elu: number;
  rssStartBytes: number;
  rssMaxBytes: number;
  rssEndBytes: number;
  heapUsedEndBytes: number;
  /** Bytes queued in user space for the server's sockets (Σ writableLength ≈ Σ ws bufferedAmount). */
  sendQueueMaxBytes: number;
  sendQueueMeanBytes: number;
  sockets: number;
}

export interface MemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  sockets: number;
}
