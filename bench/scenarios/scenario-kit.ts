import { createRequire } from 'node:module';
import { sleepMs } from '../clock/monotonic-clock.ts';
import type { LatencySummary } from '../load/latency-histogram.ts';
import type { LoadPool } from '../load/load-pool.ts';
import type { Cell, Table } from '../report/scenario-report.ts';
import { formatBytes } from '../report/scenario-report.ts';
import type { ResourceWindow, TargetKind } from '../target/target-config.ts';

export type ParamValue = number | string | boolean;

/** What a scenario returns; `run.ts` adds the command, machine and timing and writes the report. */
export interface ScenarioOutcome {
  tables: Table[];
  findings: string[];
  notes: string[];
  data: unknown;
}

export interface Scenario {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Full-size defaults (what the issue describes, sized for a 2-core machine). */
  defaults: Record<string, ParamValue>;
  /** Overrides used by `bench:all`, so that every scenario together finishes in a few minutes. */
  quick: Record<string, ParamValue>;
  run(params: Params): Promise<ScenarioOutcome>;
}

/** Typed access to the merged parameters (defaults ← quick ← command line). */
export class Params {
  constructor(readonly values: Record<string, ParamValue>) {}

  num(name: string): number {
    const value = Number(this.values[name]);
    if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${String(this.values[name])}`);
    return value;
  }

  str(name: string): string {
    return String(this.values[name] ?? '');
  }

  bool(name: string): boolean {
    const value = this.values[name];
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  /** A comma-separated list (`--rates 100,200`). */
  list(name: string): string[] {
    return this.str(name)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  nums(name: string): number[] {
    return this.list(name).map((item) => {
      const value = Number(item);
      if (!Number.isFinite(value)) throw new Error(`--${name}: ${item} is not a number`);
      return value;
    });
  }
}

export function socketIoInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('socket.io');
    return true;
  } catch {
    return false;
  }
}

/** `--targets` filtered to what can run; a skipped Socket.IO is reported in `notes`. */
export function targetKinds(params: Params, notes: string[]): TargetKind[] {
  const wanted = params.list('targets') as TargetKind[];
  if (wanted.includes('socketio') && !socketIoInstalled()) {
    notes.push(
      'Socket.IO baseline skipped: the `socket.io` package is not installed (requested in /work/h9-deps-request.txt).',
    );
    return wanted.filter((kind) => kind !== 'socketio');
  }
  return wanted;
}

export const PROTOCOL_OF = { wedsync: 'phoenix', ws: 'plain', socketio: 'engineio' } as const;

export const TARGET_LABEL: Record<TargetKind, string> = { wedsync: 'WedSync', ws: 'plain ws', socketio: 'Socket.IO' };

/** Cheap counters of every worker (`progress` RPC). */
export interface Progress {
  delivered: number;
  syncDelivered: number;
  syncExpected: number;
  presenceSeen: number;
  presenceExpected: number;
}

/**
 * Waits until the workers' `counter` reaches `expected`, or stops moving for `quietMs`, or `maxMs`
 * passed. Returns the last total.
 */
export async function drain(
  pool: LoadPool,
  expected: number,
  counter: (progress: Progress) => number,
  { quietMs = 2_000, maxMs = 30_000 } = {},
): Promise<number> {
  const startedMs = Date.now();
  let last = -1;
  let lastChangeMs = Date.now();
  for (;;) {
    const progress = await pool.all<Progress>('progress');
    const total = progress.reduce((sum, item) => sum + counter(item), 0);
    if (total >= expected) return total;
    if (total !== last) {
      last = total;
      lastChangeMs = Date.now();
    }
    if (Date.now() - lastChangeMs > quietMs || Date.now() - startedMs > maxMs) return total;
    await sleepMs(100);
  }
}

export function latencyCells(summary: LatencySummary): Cell[] {
  return [summary.p50Ms, summary.p95Ms, summary.p99Ms, summary.maxMs];
}

export const LATENCY_COLUMNS = ['p50 ms', 'p95 ms', 'p99 ms', 'max ms'];

export function serverCells(window: ResourceWindow): Cell[] {
  return [window.cpuPercent, window.elu, formatBytes(window.rssMaxBytes), formatBytes(window.sendQueueMaxBytes)];
}

export const SERVER_COLUMNS = ['server CPU %', 'server ELU', 'server RSS peak', 'send queue peak'];

/** `delivered/expected`, with a FLAG finding when they differ. */
export function deliveryCell(label: string, delivered: number, expected: number, findings: string[]): string {
  if (delivered !== expected) findings.push(`FLAG ${label}: delivered ${delivered} of ${expected} expected messages`);
  return `${delivered}/${expected}${delivered === expected ? '' : ' ⚠'}`;
}

/** Server CPU time per unit of work in µs (contention-robust: it does not depend on how much CPU the server got). */
export function cpuUsPer(window: ResourceWindow, units: number): number {
  return units > 0 ? Math.round(((window.cpuMs * 1000) / units) * 100) / 100 : 0;
}

export const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
