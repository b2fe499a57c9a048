import { type LatencySummary, summariseEncoded } from '../load/latency-histogram.ts';
import { LoadPool } from '../load/load-pool.ts';
import { profileTables } from '../profile/cpu-profile-summary.ts';
import type { Cell, Table } from '../report/scenario-report.ts';
import { formatCount } from '../report/scenario-report.ts';
import type { ResourceWindow, TargetKind } from '../target/target-config.ts';
import type { TargetHandle } from '../target/target-handle.ts';
import {
  cpuUsPer,
  deliveryCell,
  drain,
  LATENCY_COLUMNS,
  latencyCells,
  type Params,
  PROTOCOL_OF,
  type Scenario,
  SERVER_COLUMNS,
  serverCells,
  TARGET_LABEL,
  targetKinds,
  verdict,
} from './scenario-kit.ts';
import { withTarget } from './target-run.ts';

interface Step {
  target: TargetKind;
  round: number;
  rate: number;
  sent: number;
  expected: number;
  delivered: number;
  latency: LatencySummary;
  server: ResourceWindow;
  publisherLagMs: number;
  held: boolean;
}

/**
 * Fan-out (issue 9): one publisher, N subscribers on one channel; the publish rate is stepped up
 * (×factor) until p99 passes the limit or a message goes missing, then bisected `refine` times.
 * The highest rate held, × subscribers, is the deliveries/s figure, for us and each baseline.
 */
export const fanOut: Scenario = {
  name: 'fan-out',
  summary: 'one channel, N subscribers, publish rate stepped up until p99 > limit (WedSync vs plain ws vs Socket.IO)',
  defaults: {
    subscribers: 1000,
    targets: 'wedsync,ws,socketio',
    payload: 200,
    'start-rate': 20,
    factor: 1.5,
    'max-steps': 14,
    refine: 2,
    'step-ms': 4000,
    'p99-limit-ms': 100,
    rounds: 2,
    workers: 1,
    profile: false,
  },
  quick: { 'step-ms': 2000, factor: 1.6, refine: 1, rounds: 1 },
  async run(params) {
    const notes: string[] = [];
    const findings: string[] = [];
    const tables: Table[] = [];
    const steps: Step[] = [];
    const best = new Map<TargetKind, number>();
    const kinds = targetKinds(params, notes);
    // Rounds alternate the servers, so a change in the machine's load hits each of them alike; each
    // server's figure is its best round.
    for (let round = 1; round <= params.num('rounds'); round++) {
      for (const kind of kinds) {
        const profileAs = params.bool('profile') && round === 1 ? `fan-out-${kind}` : undefined;
        const { result, profile } = await withTarget({ kind, noRateLimit: true }, profileAs, (target) =>
          stepTarget(params, kind, target, round),
        );
        steps.push(...result);
        const held = Math.max(0, ...result.filter((step) => step.held).map((step) => step.rate));
        best.set(kind, Math.max(best.get(kind) ?? 0, held));
        if (result.every((step) => step.held)) {
          notes.push(
            `${TARGET_LABEL[kind]} held every step in round ${round}: its figure is a lower bound (raise --max-steps).`,
          );
        }
        if (profile) tables.push(...profileTables(profile, `${TARGET_LABEL[kind]} under fan-out`));
      }
    }
    const subscribers = params.num('subscribers');
    tables.unshift(
      {
        title: 'Highest publish rate held (p99 ≤ limit, nothing lost)',
        columns: [
          'server',
          'msgs/s',
          'deliveries/s',
          'vs plain ws',
          'vs Socket.IO',
          'server CPU µs / delivery',
          'deliveries/s per busy core',
        ],
        rows: [...best.entries()].map(([kind, rate]) => {
          const cost = costOf(steps, kind);
          return [
            TARGET_LABEL[kind],
            rate,
            formatCount(rate * subscribers),
            ratio(rate, best.get('ws')),
            ratio(rate, best.get('socketio')),
            cost,
            cost > 0 ? formatCount(1e6 / cost) : '',
          ];
        }),
      },
      {
        title: 'Steps',
        columns: [
          'server',
          'round',
          'msgs/s',
          'deliveries/s',
          ...LATENCY_COLUMNS,
          'delivered/expected',
          ...SERVER_COLUMNS,
          'CPU µs / delivery',
          'publisher lag ms',
          'held',
        ],
        rows: steps.map((step): Cell[] => [
          TARGET_LABEL[step.target],
          step.round,
          step.rate,
          formatCount(step.rate * subscribers),
          ...latencyCells(step.latency),
          deliveryCell(
            `fan-out ${TARGET_LABEL[step.target]} at ${step.rate} msgs/s`,
            step.delivered,
            step.expected,
            findings,
          ),
          ...serverCells(step.server),
          cpuUsPer(step.server, step.delivered),
          step.publisherLagMs,
          step.held ? 'yes' : 'no',
        ]),
      },
    );
    const ours = best.get('wedsync');
    const ws = best.get('ws');
    const io = best.get('socketio');
    if (ours !== undefined && ws)
      findings.push(`${verdict(ours >= 0.7 * ws)} fan-out at ${ratio(ours, ws)} of plain ws (target ≥ 70%)`);
    if (ours !== undefined && io)
      findings.push(`${verdict(ours >= 3 * io)} fan-out at ${ratio(ours, io)} of Socket.IO (target ≥ 3×)`);
    notes.push(
      "Latency is stamped from each message's scheduled send time (open loop), so a publisher that falls behind counts as latency. Load generator and server share the machine.",
      'WedSync runs with the per-user message rate limit off (one publisher sends hundreds of messages per second); everything else is the default server.',
    );
    return { tables, findings, notes, data: { best: Object.fromEntries(best), steps } };
  },
};

/** Median server CPU µs per delivery over a target's complete steps (nothing lost). */
function costOf(steps: readonly Step[], kind: TargetKind): number {
  const costs = steps
    .filter((step) => step.target === kind && step.delivered === step.expected)
    .map((step) => cpuUsPer(step.server, step.delivered))
    .sort((a, b) => a - b);
  return costs[Math.floor(costs.length / 2)] ?? 0;
}

const ratio = (value: number, base: number | undefined): string => (base ? `${(value / base).toFixed(2)}×` : '');

async function stepTarget(params: Params, kind: TargetKind, target: TargetHandle, round: number): Promise<Step[]> {
  const subscribers = params.num('subscribers');
  const pool = await LoadPool.start(LoadPool.workersFor(subscribers + 1, params.num('workers')));
  const steps: Step[] = [];
  try {
    await pool.init({
      protocol: PROTOCOL_OF[kind],
      url: target.url,
      totalClients: subscribers + 1,
      roomSize: subscribers + 1,
      roomPrefix: 'fanout:',
      userChannel: false,
      presence: 'off',
      sync: false,
      auth: kind === 'wedsync',
      sourceAddresses: 0,
    });
    const opened = await pool.all<{ opened: number; failed: number; errors: string[] }>('open', { concurrency: 200 });
    const failed = opened.reduce((sum, item) => sum + item.failed, 0);
    if (failed > 0)
      throw new Error(`${kind}: ${failed} clients failed to open: ${opened.flatMap((item) => item.errors).join('; ')}`);
    const runStep = async (rate: number, durationMs: number): Promise<Step> => {
      await pool.all('collect', { reset: true });
      await target.windowBegin();
      const sent = await pool.all<{ sent: number; expected: number; maxLagUs: number }>('publish', {
        senders: 'publisher',
        ratePerSecond: rate,
        durationMs,
        payloadBytes: params.num('payload'),
      });
      const expected = sent.reduce((sum, item) => sum + item.expected, 0);
      await drain(pool, expected, (progress) => progress.delivered);
      const server = await target.windowEnd();
      const collected = await pool.all<{ delivered: number; latency: string }>('collect', { reset: true });
      const delivered = collected.reduce((sum, item) => sum + item.delivered, 0);
      const latency = summariseEncoded(collected.map((item) => item.latency));
      const held = delivered === expected && latency.p99Ms <= params.num('p99-limit-ms');
      const publisherLagMs = Math.max(...sent.map((item) => item.maxLagUs)) / 1000;
      console.log(
        `  ${kind} ${rate}/s: p99 ${latency.p99Ms} ms, ${delivered}/${expected}, cpu ${server.cpuPercent}% ${held ? 'held' : 'NOT held'}`,
      );
      return {
        target: kind,
        round,
        rate,
        sent: sent.reduce((s, i) => s + i.sent, 0),
        expected,
        delivered,
        latency,
        server,
        publisherLagMs,
        held,
      };
    };
    await runStep(params.num('start-rate'), 1_000); // warm-up (JIT, buffers); not reported
    let rate = params.num('start-rate');
    let lastHeld = 0;
    let firstFailed = 0;
    for (let index = 0; index < params.num('max-steps'); index++) {
      const step = await runStep(rate, params.num('step-ms'));
      steps.push(step);
      if (!step.held) {
        firstFailed = rate;
        break;
      }
      lastHeld = rate;
      rate = Math.round(rate * params.num('factor'));
    }
    for (let index = 0; firstFailed > 0 && index < params.num('refine'); index++) {
      const middle = Math.round(Math.sqrt(Math.max(1, lastHeld) * firstFailed));
      if (middle <= lastHeld || middle >= firstFailed) break;
      const step = await runStep(middle, params.num('step-ms'));
      steps.push(step);
      if (step.held) lastHeld = middle;
      else firstFailed = middle;
    }
  } finally {
    await pool.stop();
  }
  return steps;
}
