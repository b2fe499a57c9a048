import { performance } from 'node:perf_hooks';
import { type LatencySummary, newHistogram, recordUs, summarise, summariseEncoded } from '../load/latency-histogram.ts';
import { LoadPool } from '../load/load-pool.ts';
import { profileTables } from '../profile/cpu-profile-summary.ts';
import type { Cell, Table } from '../report/scenario-report.ts';
import { formatCount } from '../report/scenario-report.ts';
import type { RecordsConfig, ResourceWindow } from '../target/target-config.ts';
import type { TargetHandle } from '../target/target-handle.ts';
import {
  deliveryCell,
  drain,
  type Params,
  type Progress,
  type Scenario,
  SERVER_COLUMNS,
  serverCells,
  verdict,
} from './scenario-kit.ts';
import { withTarget } from './target-run.ts';

interface Step {
  storage: RecordsConfig['storage'];
  offeredRate: number;
  applied: number;
  rejected: number;
  achievedRate: number;
  expected: number;
  delivered: number;
  ack: LatencySummary;
  commitToClient: LatencySummary;
  sendToClient: LatencySummary;
  server: ResourceWindow;
  errors: string[];
  /** Deliveries that arrived before the writer's `storage.commit` call had returned (counted as 0 ms). */
  beforeCommitReturned: number;
  storageCalls: Record<string, { count: number; meanMs: number }>;
}

interface SyncCollect {
  delivered: number;
  expected: number;
  applied: number;
  rejected: number;
  ack: string;
  sendToClient: string;
  seqs: number[];
  arrivals: number[];
  errors: string[];
}

/**
 * Durable sync (issue 9): the full record path — WebSocket → `sync_mutate` → storage commit (merge,
 * commit-ordered log append, replay protection) → ack, and commit → log read → `sync_changes` at
 * every subscriber. R rooms (one channel = one log scope) of `subscribers` members; the first member
 * of each room writes on an open-loop schedule, outbox style (one batch in flight). Complements
 * bench/sync-throughput.ts (closed-loop, in one process) by running the server in its own process.
 */
export const durableSync: Scenario = {
  name: 'durable-sync',
  summary:
    'mutations/s through the full record path, 10 subscribers per record: commit→client p50/p95/p99 (PGlite, PostgreSQL)',
  defaults: {
    rooms: 50,
    subscribers: 10,
    rates: '250,500,1000,2000',
    'step-ms': 5000,
    'records-per-writer': 10,
    storages: 'pglite,postgres',
    workers: 1,
    profile: false,
  },
  quick: { rates: '250,1000', 'step-ms': 3000 },
  async run(params) {
    const notes: string[] = [];
    const findings: string[] = [];
    const steps: Step[] = [];
    const profiles: Table[] = [];
    const databaseUrl = process.env.DATABASE_URL;
    for (const storage of params.list('storages') as RecordsConfig['storage'][]) {
      if (storage === 'postgres' && !databaseUrl) {
        notes.push('PostgreSQL skipped: DATABASE_URL is not set.');
        continue;
      }
      const records: RecordsConfig = {
        storage,
        stampCommits: true,
        ...(storage === 'postgres' ? { databaseUrl } : {}),
      };
      const profileAs = params.bool('profile') ? `durable-sync-${storage}` : undefined;
      const { result, profile } = await withTarget({ kind: 'wedsync', records }, profileAs, (target) =>
        runStorage(params, storage, target, findings),
      );
      steps.push(...result);
      if (profile) profiles.push(...profileTables(profile, `WedSync on ${storage}`));
    }
    for (const step of steps.filter((item) => item.storage === 'postgres' && item.offeredRate >= 2000)) {
      findings.push(
        `${verdict(step.achievedRate >= 0.95 * step.offeredRate && step.commitToClient.p50Ms <= 5 && step.commitToClient.p99Ms <= 25)} durable sync on PostgreSQL at ${step.offeredRate}/s offered: ` +
          `${formatCount(step.achievedRate)} mutations/s, commit→client p50 ${step.commitToClient.p50Ms} ms (≤ 5), p99 ${step.commitToClient.p99Ms} ms (≤ 25)`,
      );
    }
    notes.push(
      "commit→client: from the moment `storage.commit` resolved in the server (stamped per seq on the shared monotonic clock) to the frame's arrival at each subscriber; a change can reach clients before its own commit call returned (another commit's log read picked it up first) — those count as 0 ms and are shown as a share. send→client: from the mutation's scheduled send time (open loop) — what a user sees. ack: scheduled send → ok reply.",
      'Achieved mutations/s = applied mutations / (first scheduled send → last ack).',
      'See also bench/sync-throughput.ts (records helper): closed-loop throughput in one process, `node --import tsx bench/sync-throughput.ts`.',
    );
    return {
      tables: [
        {
          title: `Durable sync: ${params.num('rooms')} rooms × ${params.num('subscribers')} subscribers, one writer per room`,
          columns: [
            'storage',
            'offered /s',
            'achieved /s',
            'commit→client p50 ms',
            'p95 ms',
            'p99 ms',
            'send→client p50 ms',
            'p99 ms',
            'ack p50 ms',
            'ack p99 ms',
            'delivered/expected',
            'rejected',
            'commits',
            'mutations / commit',
            'commit mean ms',
            'arrived before commit returned',
            ...SERVER_COLUMNS,
          ],
          rows: steps.map((step): Cell[] => [
            step.storage,
            step.offeredRate,
            formatCount(step.achievedRate),
            step.commitToClient.p50Ms,
            step.commitToClient.p95Ms,
            step.commitToClient.p99Ms,
            step.sendToClient.p50Ms,
            step.sendToClient.p99Ms,
            step.ack.p50Ms,
            step.ack.p99Ms,
            deliveryCell(
              `durable sync ${step.storage} at ${step.offeredRate}/s`,
              step.delivered,
              step.expected,
              findings,
            ),
            step.rejected,
            step.storageCalls.commit?.count ?? 0,
            ((step.applied + step.rejected) / Math.max(1, step.storageCalls.commit?.count ?? 0)).toFixed(1),
            step.storageCalls.commit?.meanMs ?? '',
            `${((100 * step.beforeCommitReturned) / Math.max(1, step.delivered)).toFixed(1)}%`,
            ...serverCells(step.server),
          ]),
        },
        ...profiles,
      ],
      findings,
      notes,
      data: { steps },
    };
  },
};

async function runStorage(
  params: Params,
  storage: RecordsConfig['storage'],
  target: TargetHandle,
  findings: string[],
): Promise<Step[]> {
  const subscribers = params.num('subscribers');
  const totalClients = params.num('rooms') * subscribers;
  const pool = await LoadPool.start(LoadPool.workersFor(totalClients, params.num('workers')));
  const steps: Step[] = [];
  try {
    await pool.init({
      protocol: 'phoenix',
      url: target.url,
      totalClients,
      roomSize: subscribers,
      roomPrefix: 'sync:',
      userChannel: false,
      presence: 'off',
      sync: true,
      auth: true,
      sourceAddresses: 0,
    });
    const opened = await pool.all<{ failed: number; errors: string[] }>('open', { concurrency: 100 });
    if (opened.some((item) => item.failed > 0))
      throw new Error(`clients failed to open: ${opened.flatMap((item) => item.errors).join('; ')}`);
    const runStep = async (rate: number, durationMs: number): Promise<Step> => {
      await pool.all('syncCollect', { reset: true });
      await target.call('commitStamps');
      await target.call('storageCalls');
      await pool.all('syncRecordArrivals', { on: true });
      await target.windowBegin();
      const startedMs = performance.now();
      await pool.all('mutate', { ratePerSecond: rate, durationMs, recordsPerWriter: params.num('records-per-writer') });
      const ackedMs = performance.now();
      const expected = (await pool.all<Progress>('progress')).reduce((sum, item) => sum + item.syncExpected, 0);
      await drain(pool, expected, (progress) => progress.syncDelivered);
      const server = await target.windowEnd();
      await pool.all('syncRecordArrivals', { on: false });
      const stamps = await target.call<{ seqs: number[]; atUs: number[] }>('commitStamps');
      const storageCalls = await target.call<Step['storageCalls']>('storageCalls');
      const collected = await pool.all<SyncCollect>('syncCollect', { reset: true });
      const committedAt = new Map(stamps.seqs.map((seq, index) => [seq, stamps.atUs[index]!]));
      const commitToClient = newHistogram();
      let beforeCommitReturned = 0;
      for (const part of collected) {
        part.seqs.forEach((seq, index) => {
          const at = committedAt.get(seq);
          if (at === undefined) return;
          const latencyUs = part.arrivals[index]! - at;
          if (latencyUs < 0) beforeCommitReturned++;
          recordUs(commitToClient, Math.max(0, latencyUs));
        });
      }
      const applied = collected.reduce((sum, item) => sum + item.applied, 0);
      const step: Step = {
        storage,
        offeredRate: rate,
        applied,
        rejected: collected.reduce((sum, item) => sum + item.rejected, 0),
        achievedRate: Math.round(applied / ((ackedMs - startedMs) / 1000)),
        expected: collected.reduce((sum, item) => sum + item.expected, 0),
        delivered: collected.reduce((sum, item) => sum + item.delivered, 0),
        ack: summariseEncoded(collected.map((item) => item.ack)),
        commitToClient: summarise(commitToClient),
        sendToClient: summariseEncoded(collected.map((item) => item.sendToClient)),
        server,
        errors: collected.flatMap((item) => item.errors),
        beforeCommitReturned,
        storageCalls,
      };
      commitToClient.destroy();
      if (step.rejected > 0)
        findings.push(
          `FLAG durable sync ${storage} at ${rate}/s: ${step.rejected} mutations rejected (${step.errors.slice(0, 2).join('; ')})`,
        );
      console.log(
        `  ${storage} ${rate}/s: achieved ${step.achievedRate}/s, commit→client p50 ${step.commitToClient.p50Ms} p95 ${step.commitToClient.p95Ms} p99 ${step.commitToClient.p99Ms} ms, ${step.delivered}/${step.expected}`,
      );
      return step;
    };
    await runStep(100, 1_000); // warm-up; not reported
    for (const rate of params.nums('rates')) steps.push(await runStep(rate, params.num('step-ms')));
  } finally {
    await pool.stop();
  }
  return steps;
}
