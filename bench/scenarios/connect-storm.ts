import { sleepMs } from '../clock/monotonic-clock.ts';
import { type LatencySummary, summariseEncoded } from '../load/latency-histogram.ts';
import { LoadPool } from '../load/load-pool.ts';
import { profileTables } from '../profile/cpu-profile-summary.ts';
import type { Cell, Table } from '../report/scenario-report.ts';
import { formatBytes, formatCount } from '../report/scenario-report.ts';
import type { ResourceWindow, TargetKind } from '../target/target-config.ts';
import type { TargetHandle } from '../target/target-handle.ts';
import {
  cpuUsPer,
  type Params,
  PROTOCOL_OF,
  type Scenario,
  TARGET_LABEL,
  targetKinds,
  verdict,
} from './scenario-kit.ts';
import { withTarget } from './target-run.ts';

interface Storm {
  target: TargetKind;
  offeredRate: number;
  opened: number;
  failed: number;
  errors: string[];
  achievedRate: number;
  handshake: LatencySummary;
  ready: LatencySummary;
  server: ResourceWindow;
}

/**
 * Connect storm (issue 9): N clients connect on an open-loop schedule at each offered rate; WedSync
 * clients carry a JWT in the URL (verified on upgrade) and join 2 channels. "handshake" = scheduled
 * start → WebSocket open; "ready" = scheduled start → both join replies (WedSync) / open (ws) /
 * Socket.IO connect. Achieved rate = connections / (first scheduled start → last ready).
 */
export const connectStorm: Scenario = {
  name: 'connect-storm',
  summary: 'N connects with token auth and 2 joins at offered rates: connections/s, p99 handshake',
  defaults: { connections: 10000, rates: '3000,6000', targets: 'wedsync,ws,socketio', workers: 1, profile: false },
  quick: { connections: 6000, rates: '3000' },
  async run(params) {
    const notes: string[] = [];
    const findings: string[] = [];
    const storms: Storm[] = [];
    const profiles: Table[] = [];
    for (const kind of targetKinds(params, notes)) {
      const profileAs = params.bool('profile') ? `connect-storm-${kind}` : undefined;
      const { result, profile } = await withTarget({ kind }, profileAs, async (target) => {
        const results: Storm[] = [];
        for (const rate of params.nums('rates')) results.push(await storm(params, kind, target, rate, findings));
        return results;
      });
      storms.push(...result);
      if (profile) profiles.push(...profileTables(profile, `${TARGET_LABEL[kind]} during the connect storm`));
    }
    const ours = storms.filter((item) => item.target === 'wedsync');
    for (const item of ours) {
      findings.push(
        `${verdict(item.achievedRate >= 3000 && item.ready.p99Ms <= 250 && item.failed === 0)} connect storm offered ${item.offeredRate}/s: ` +
          `${formatCount(item.achievedRate)} connections/s (≥ 3,000), p99 connect+auth+2 joins ${item.ready.p99Ms} ms (≤ 250), p99 WebSocket open ${item.handshake.p99Ms} ms`,
      );
    }
    notes.push(
      'Open loop: client k starts at k / rate regardless of earlier clients, and latency is measured from that scheduled start, so queueing in the server (or the listen backlog) is included.',
      'Client source addresses are spread over 127.0.0.2–9 so ephemeral ports never run out between runs.',
    );
    return {
      tables: [
        {
          title: `Connect storm: ${formatCount(params.num('connections'))} connections per offered rate`,
          columns: [
            'server',
            'offered /s',
            'achieved /s',
            'opened',
            'failed',
            'open p50 ms',
            'open p99 ms',
            'ready p50 ms',
            'ready p99 ms',
            'ready max ms',
            'server CPU %',
            'server CPU µs / connection',
            'server RSS peak',
          ],
          rows: storms.map((item): Cell[] => [
            TARGET_LABEL[item.target],
            item.offeredRate,
            formatCount(item.achievedRate),
            item.opened,
            item.failed,
            item.handshake.p50Ms,
            item.handshake.p99Ms,
            item.ready.p50Ms,
            item.ready.p99Ms,
            item.ready.maxMs,
            item.server.cpuPercent,
            cpuUsPer(item.server, item.opened),
            formatBytes(item.server.rssMaxBytes),
          ]),
        },
        ...profiles,
      ],
      findings,
      notes,
      data: { storms },
    };
  },
};

async function storm(
  params: Params,
  kind: TargetKind,
  target: TargetHandle,
  rate: number,
  findings: string[],
): Promise<Storm> {
  const connections = params.num('connections');
  const pool = await LoadPool.start(LoadPool.workersFor(connections, params.num('workers')));
  try {
    await pool.init({
      protocol: PROTOCOL_OF[kind],
      url: target.url,
      totalClients: connections,
      roomSize: 10,
      roomPrefix: 'wedding:',
      userChannel: kind === 'wedsync',
      presence: 'off',
      sync: false,
      auth: kind === 'wedsync',
      sourceAddresses: 8,
    });
    await target.windowBegin();
    const results = await pool.all<{
      opened: number;
      failed: number;
      errors: string[];
      handshake: string;
      ready: string;
      firstStartUs: number;
      lastReadyUs: number;
    }>('open', { ratePerSecond: rate / pool.size, timeoutMs: 30_000 });
    const server = await target.windowEnd();
    const opened = results.reduce((sum, item) => sum + item.opened, 0);
    const failed = results.reduce((sum, item) => sum + item.failed, 0);
    const errors = results.flatMap((item) => item.errors);
    if (failed > 0)
      findings.push(
        `FLAG connect storm ${TARGET_LABEL[kind]} at ${rate}/s: ${failed} connections failed (${errors.join('; ')})`,
      );
    const spanUs =
      Math.max(...results.map((item) => item.lastReadyUs)) - Math.min(...results.map((item) => item.firstStartUs));
    const result: Storm = {
      target: kind,
      offeredRate: rate,
      opened,
      failed,
      errors,
      achievedRate: Math.round(opened / (spanUs / 1e6)),
      handshake: summariseEncoded(results.map((item) => item.handshake)),
      ready: summariseEncoded(results.map((item) => item.ready)),
      server,
    };
    console.log(
      `  ${kind} offered ${rate}/s: achieved ${result.achievedRate}/s, ready p99 ${result.ready.p99Ms} ms, failed ${failed}`,
    );
    await pool.all('closeAll', { timeoutMs: 20_000 });
    for (let waited = 0; waited < 100 && (await target.connections()).server > 0; waited++) await sleepMs(100);
    return result;
  } finally {
    await pool.stop();
  }
}
