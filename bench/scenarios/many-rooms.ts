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

interface Run {
  target: TargetKind;
  payloadBytes: number;
  sent: number;
  expected: number;
  delivered: number;
  latency: LatencySummary;
  server: ResourceWindow;
  senderLagMs: number;
}

/**
 * Many rooms (issue 9): N clients in rooms of `room-size` (weddings of 6), every client sends
 * `rate-per-client` msgs/s to its room, one run per payload size. Targets at 200 B: p50 ≤ 5 ms,
 * p95 ≤ 15 ms, p99 ≤ 40 ms.
 */
export const manyRooms: Scenario = {
  name: 'many-rooms',
  summary: 'N clients in rooms of 6, each sending 2 msgs/s to its room (200 B and 1 KB payloads)',
  defaults: {
    clients: 4000,
    'room-size': 6,
    'rate-per-client': 2,
    payloads: '200,1024',
    'duration-ms': 15000,
    targets: 'wedsync,ws,socketio',
    workers: 1,
    profile: false,
  },
  quick: { clients: 2000, 'duration-ms': 5000 },
  async run(params) {
    const notes: string[] = [];
    const findings: string[] = [];
    const tables: Table[] = [];
    const runs: Run[] = [];
    for (const kind of targetKinds(params, notes)) {
      const profileAs = params.bool('profile') ? `many-rooms-${kind}` : undefined;
      const { result, profile } = await withTarget({ kind }, profileAs, (target) =>
        runTarget(params, kind, target, findings),
      );
      runs.push(...result);
      if (profile) tables.push(...profileTables(profile, `${TARGET_LABEL[kind]} under many rooms`));
    }
    const clients = params.num('clients');
    const offered = clients * params.num('rate-per-client');
    tables.unshift({
      title: `${formatCount(clients)} clients in rooms of ${params.num('room-size')}, ${offered} msgs/s in, ${formatCount(offered * (params.num('room-size') - 1))} deliveries/s out`,
      columns: [
        'server',
        'payload B',
        ...LATENCY_COLUMNS,
        'delivered/expected',
        ...SERVER_COLUMNS,
        'CPU µs / delivery',
        'sender lag ms',
      ],
      rows: runs.map((run): Cell[] => [
        TARGET_LABEL[run.target],
        run.payloadBytes,
        ...latencyCells(run.latency),
        deliveryCell(
          `many-rooms ${TARGET_LABEL[run.target]} ${run.payloadBytes} B`,
          run.delivered,
          run.expected,
          findings,
        ),
        ...serverCells(run.server),
        cpuUsPer(run.server, run.delivered),
        run.senderLagMs,
      ]),
    });
    const ours = runs.find((run) => run.target === 'wedsync' && run.payloadBytes === 200);
    if (ours) {
      const { p50Ms, p95Ms, p99Ms } = ours.latency;
      findings.push(
        `${verdict(p50Ms <= 5 && p95Ms <= 15 && p99Ms <= 40)} many rooms at 200 B: p50 ${p50Ms} ms (≤ 5), p95 ${p95Ms} ms (≤ 15), p99 ${p99Ms} ms (≤ 40)`,
      );
    }
    notes.push(
      'Each client sends on its own open-loop schedule (staggered); latency is scheduled send → arrival at each other room member.',
    );
    return { tables, findings, notes, data: { runs } };
  },
};

async function runTarget(params: Params, kind: TargetKind, target: TargetHandle, findings: string[]): Promise<Run[]> {
  const clients = params.num('clients');
  const pool = await LoadPool.start(LoadPool.workersFor(clients, params.num('workers')));
  const runs: Run[] = [];
  try {
    await pool.init({
      protocol: PROTOCOL_OF[kind],
      url: target.url,
      totalClients: clients,
      roomSize: params.num('room-size'),
      roomPrefix: 'wedding:',
      userChannel: false,
      presence: 'off',
      sync: false,
      auth: kind === 'wedsync',
      sourceAddresses: 0,
    });
    const opened = await pool.all<{ opened: number; failed: number; errors: string[] }>('open', { concurrency: 200 });
    const failed = opened.reduce((sum, item) => sum + item.failed, 0);
    if (failed > 0)
      findings.push(
        `FLAG many-rooms ${TARGET_LABEL[kind]}: ${failed} clients failed to open (${opened.flatMap((item) => item.errors).join('; ')})`,
      );
    const perWorkerRate = opened.map((item) => item.opened * params.num('rate-per-client'));
    const publish = async (payloadBytes: number, durationMs: number): Promise<Run> => {
      await pool.all('collect', { reset: true });
      await target.windowBegin();
      const sent = await pool.all<{ sent: number; expected: number; maxLagUs: number }>('publish', (index: number) => ({
        senders: 'all',
        ratePerSecond: perWorkerRate[index],
        durationMs,
        payloadBytes,
      }));
      const expected = sent.reduce((sum, item) => sum + item.expected, 0);
      await drain(pool, expected, (progress) => progress.delivered);
      const server = await target.windowEnd();
      const collected = await pool.all<{ delivered: number; latency: string }>('collect', { reset: true });
      const delivered = collected.reduce((sum, item) => sum + item.delivered, 0);
      const latency = summariseEncoded(collected.map((item) => item.latency));
      console.log(
        `  ${kind} ${payloadBytes} B: p50 ${latency.p50Ms} p99 ${latency.p99Ms} ms, ${delivered}/${expected}, cpu ${server.cpuPercent}%`,
      );
      const senderLagMs = Math.max(...sent.map((item) => item.maxLagUs)) / 1000;
      return {
        target: kind,
        payloadBytes,
        sent: sent.reduce((s, i) => s + i.sent, 0),
        expected,
        delivered,
        latency,
        server,
        senderLagMs,
      };
    };
    await publish(200, 1_500); // warm-up; not reported
    for (const payloadBytes of params.nums('payloads'))
      runs.push(await publish(payloadBytes, params.num('duration-ms')));
  } finally {
    await pool.stop();
  }
  return runs;
}
