import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Table } from '../report/scenario-report.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  gcMs: number;
  /** Self time per function (`name file:line`), highest first. */
  functions: { name: string; selfMs: number; percent: number }[];
  /** Self time per source (package or our file), highest first. */
  sources: { source: string; selfMs: number; percent: number }[];
  /** Inclusive time (self + everything it called) of our own functions (packages/…), highest first. */
  ours: { name: string; totalMs: number; percent: number }[];
}

/** Shortens a script URL to `ws/lib/sender.js`, `packages/server/src/session/session.ts`, `node:net`. */
function sourceOf(url: string): string {
  if (url === '') return '(native/VM)';
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const repo = url.indexOf('/packages/');
  if (repo >= 0) return url.slice(repo + 1);
  const bench = url.indexOf('/bench/');
  return bench >= 0 ? url.slice(bench + 1) : url.replace(/^file:\/\//, '');
}

/** Package (or our package) a source belongs to, for the coarse view. */
function packageOf(source: string): string {
  if (source.startsWith('packages/')) return source.split('/').slice(0, 4).join('/');
  if (source.startsWith('node:') || source.startsWith('(')) return source;
  const parts = source.split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? source);
}

/** Self time per function and per source of a V8 `.cpuprofile` (as written by `node --cpu-prof`). */
export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const functions = new Map<string, number>();
  const sources = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    if (frame.functionName === '(garbage collector)') gcUs += us;
    const source = sourceOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${source}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const pkg = packageOf(source);
    sources.set(pkg, (sources.get(pkg) ?? 0) + us);
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const ours = inclusiveOfOurs(profile, byId, selfUs);
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ key, selfMs: Math.round(us / 100) / 10, percent: Math.round((us / busyUs) * 1000) / 10 }));
  return {
    file,
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    gcMs: Math.round(gcUs / 1000),
    functions: rank(functions).map(({ key, ...rest }) => ({ name: key, ...rest })),
    sources: rank(sources).map(({ key, ...rest }) => ({ source: key, ...rest })),
    ours: [...ours.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        totalMs: Math.round(us / 100) / 10,
        percent: Math.round((us / busyUs) * 1000) / 10,
      })),
  };
}

/** Inclusive µs per function of our packages: each sample counts once for every distinct such function on its stack. */
function inclusiveOfOurs(
  profile: CpuProfile,
  byId: Map<number, ProfileNode>,
  selfUs: Map<number, number>,
): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame === undefined) continue;
      if (!frame.url.includes('/packages/')) continue;
      const name = `${frame.functionName || '(anonymous)'} ${sourceOf(frame.url)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + us);
    }
  }
  return totals;
}

/**
 * The newest main-thread `.cpuprofile` in `dir`. Node writes one per thread
 * (`CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile`); thread 0 is the server's event loop, the
 * others are the tsx loader's worker.
 */
export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile') && name.split('.')[4] === '0');
  files.sort();
  const last = files.at(-1);
  return last ? path.join(dir, last) : undefined;
}

export function profileTables(summary: ProfileSummary, label: string): Table[] {
  return [
    {
      title: `${label}: CPU profile, self time by package (busy ${summary.totalMs - summary.idleMs} ms of ${summary.totalMs} ms, GC ${summary.gcMs} ms)`,
      columns: ['package / source', 'self ms', '% of busy'],
      rows: summary.sources.map((row) => [row.source, row.selfMs, row.percent]),
    },
    {
      title: `${label}: CPU profile, our functions by inclusive time (self + callees)`,
      columns: ['function', 'total ms', '% of busy'],
      rows: summary.ours.map((row) => [`\`${row.name}\``, row.totalMs, row.percent]),
    },
    {
      title: `${label}: CPU profile, top functions by self time`,
      columns: ['function', 'self ms', '% of busy'],
      rows: summary.functions.map((row) => [`\`${row.name}\``, row.selfMs, row.percent]),
    },
  ];
}
