import { performance } from 'node:perf_hooks';
import { sleepMs } from '../clock/monotonic-clock.ts';
import { summariseEncoded } from '../load/latency-histogram.ts';
import { LoadPool } from '../load/load-pool.ts';
import { profileTables } from '../profile/cpu-profile-summary.ts';
import { formatBytes, formatCount } from '../report/scenario-report.ts';
import type { RecordsConfig } from '../target/target-config.ts';
import { drain, type Scenario, verdict } from './scenario-kit.ts';
import { withTarget } from './target-run.ts';

interface CaughtUp {
  caughtUp: number;
  total: number;
  lastCaughtUpUs: number;
  latency: string;
  reconnects: number;
  failures: number;
  errors: string[];
}

/**
 * Reconnect storm (issue 9): N clients in record-sync rooms, each having seen the room's latest
 * `seq`. The server drops every TCP connection at once, then commits `changes-per-room` changes to
 * every room while the clients are away; every client reconnects at once (jitter 0: the worst case;
 * the SDK itself spreads reconnects with full-jitter backoff) and rejoins with `since` = its last
 * seq. Measured: time from the kill until every client has the room's new head seq, and server
 * peak RSS during the storm against its steady RSS before.
 */
export const reconnectStorm: Scenario = {
  name: 'reconnect-storm',
  summary: 'drop N connections; time until all resumed from their seq and caught up; peak vs steady memory',
  defaults: {
    connections: 10000,
    'room-size': 10,
    'changes-per-room': 5,
    'jitter-ms': 0,
    'timeout-ms': 60000,
    storage: 'pglite',
    hold: true,
    workers: 1,
    profile: false,
  },
  quick: { connections: 3000 },
  async run(params) {
    const findings: string[] = [];
    const notes: string[] = [];
    const connections = params.num('connections');
    const roomSize = params.num('room-size');
    const rooms = Math.ceil(connections / roomSize);
    const topics = Array.from({ length: rooms }, (_unused, room) => `sync:${room}`);
    const storage = params.str('storage') as RecordsConfig['storage'];
    const databaseUrl = process.env.DATABASE_URL;
    if (storage === 'postgres' && !databaseUrl) throw new Error('--storage postgres needs DATABASE_URL');
    const records: RecordsConfig = { storage, ...(storage === 'postgres' ? { databaseUrl } : {}) };
    const profileAs = params.bool('profile') ? 'reconnect-storm-wedsync' : undefined;
    const { result, profile } = await withTarget(
      { kind: 'wedsync', records, sampleIntervalMs: 100 },
      profileAs,
      async (target) => {
        const pool = await LoadPool.start(LoadPool.workersFor(connections, params.num('workers')));
        try {
          await pool.init({
            protocol: 'phoenix',
            url: target.url,
            totalClients: connections,
            roomSize,
            roomPrefix: 'sync:',
            userChannel: false,
            presence: 'off',
            sync: true,
            auth: true,
            sourceAddresses: 8,
          });
          const opened = await pool.all<{ opened: number; failed: number; errors: string[] }>('open', {
            concurrency: 200,
          });
          const failed = opened.reduce((sum, item) => sum + item.failed, 0);
          if (failed > 0)
            throw new Error(`${failed} clients failed to open: ${opened.flatMap((item) => item.errors).join('; ')}`);
          // Every client sees one live change, so each has a seq to resume from.
          await target.call('writeBurst', { topics, perTopic: 1 });
          const seen = await drain(pool, connections, (progress) => progress.syncDelivered);
          if (seen < connections)
            findings.push(`FLAG reconnect storm: only ${seen} of ${connections} clients got the first change`);
          await sleepMs(1_000);
          const steady = await target.memory(false);
          await target.windowBegin();
          await target.call('storageCalls');
          const hold = params.bool('hold');
          await pool.all('armReconnect', { jitterMs: params.num('jitter-ms'), hold });
          const { killedAtUs, killed } = await target.call<{ killedAtUs: number; killed: number }>('killConnections');
          const burstStartedMs = performance.now();
          const { headByTopic } = await target.call<{ headByTopic: Record<string, number> }>('writeBurst', {
            topics,
            perTopic: params.num('changes-per-room'),
          });
          const burstMs = Math.round(performance.now() - burstStartedMs);
          const headByRoom = Object.fromEntries(
            Object.entries(headByTopic).map(([topic, seq]) => [topic.slice('sync:'.length), seq]),
          );
          await pool.all('setTargets', { headByRoom, startUs: killedAtUs });
          let startUs = killedAtUs;
          if (hold) {
            // Every client must have seen its socket close before the release.
            for (
              let waited = 0;
              waited < 100 && (await pool.all<number>('openCount')).some((open) => open > 0);
              waited++
            ) {
              await sleepMs(100);
            }
            const released = await pool.all<{ releasedAtUs: number }>('releaseReconnect');
            startUs = Math.min(...released.map((item) => item.releasedAtUs));
          }
          const caught = await pool.all<CaughtUp>('awaitCaughtUp', { timeoutMs: params.num('timeout-ms') });
          const server = await target.windowEnd();
          const storageCalls = await target.call<Record<string, { count: number; meanMs: number }>>('storageCalls');
          return { steady, server, killed, killedAtUs, startUs, burstMs, caught, storageCalls };
        } finally {
          await pool.stop();
        }
      },
    );
    const { steady, server, killed, killedAtUs, startUs, burstMs, caught, storageCalls } = result;
    const caughtUp = caught.reduce((sum, item) => sum + item.caughtUp, 0);
    const lastCaughtUpUs = Math.max(...caught.map((item) => item.lastCaughtUpUs));
    const allCaughtUpS = (lastCaughtUpUs - startUs) / 1e6;
    const sinceKillS = (lastCaughtUpUs - killedAtUs) / 1e6;
    const latency = summariseEncoded(caught.map((item) => item.latency));
    const peakRatio = server.rssMaxBytes / steady.rssBytes;
    const reconnects = caught.reduce((sum, item) => sum + item.reconnects, 0);
    const failures = caught.reduce((sum, item) => sum + item.failures, 0);
    if (caughtUp < connections)
      findings.push(
        `FLAG reconnect storm: ${connections - caughtUp} of ${connections} clients not caught up within ${params.num('timeout-ms')} ms (${caught.flatMap((item) => item.errors).join('; ')})`,
      );
    findings.push(
      `${verdict(caughtUp === connections && allCaughtUpS <= 10 && peakRatio <= 2)} reconnect storm: ${formatCount(caughtUp)}/${formatCount(connections)} caught up, last ${allCaughtUpS.toFixed(2)} s after the reconnects began (≤ 10 s); peak RSS ${formatBytes(server.rssMaxBytes)} = ${peakRatio.toFixed(2)}× steady ${formatBytes(steady.rssBytes)} (≤ 2×)`,
    );
    notes.push(
      "Caught up = reconnected, rejoined with `since`, and holding the room's head seq after the burst (replayed or live), on the shared monotonic clock.",
      params.bool('hold')
        ? `With --hold (default) the clients wait until the write burst has committed (${burstMs} ms on the server), then all reconnect at once; times count from that release, so they measure the resume path. --hold false reconnects at the kill, concurrently with the burst.`
        : `Clients reconnected at once after the kill, concurrently with the write burst (${burstMs} ms); times count from the kill.`,
      `Steady RSS is read (without a forced GC) just before the kill; the peak is the sampler's maximum (every 100 ms) during the storm. Storage: ${storage}.`,
    );
    return {
      tables: [
        {
          title: `Reconnect storm: ${formatCount(connections)} connections in rooms of ${roomSize}, ${params.num('changes-per-room')} changes per room while away`,
          columns: [
            'killed',
            'caught up',
            'write burst ms',
            'all caught up after s',
            'since the kill s',
            'per client p50 ms',
            'p99 ms',
            'max ms',
            'reconnect attempts',
            'failed attempts',
            'steady RSS',
            'peak RSS',
            'peak / steady',
            'server CPU %',
            'server ELU',
          ],
          rows: [
            [
              killed,
              caughtUp,
              burstMs,
              allCaughtUpS.toFixed(2),
              sinceKillS.toFixed(2),
              latency.p50Ms,
              latency.p99Ms,
              latency.maxMs,
              reconnects,
              failures,
              formatBytes(steady.rssBytes),
              formatBytes(server.rssMaxBytes),
              peakRatio.toFixed(2),
              server.cpuPercent,
              server.elu,
            ],
          ],
        },
        {
          title: 'Storage calls from the kill until all caught up (incl. the write burst: 1 commit per room)',
          columns: ['method', 'calls', 'per connection', 'mean ms'],
          rows: Object.entries(storageCalls).map(([method, { count, meanMs }]) => [
            method,
            count,
            (count / connections).toFixed(2),
            meanMs,
          ]),
        },
        ...(profile ? profileTables(profile, 'WedSync during the reconnect storm') : []),
      ],
      findings,
      notes,
      data: { result, caughtUp, allCaughtUpS, latency, peakRatio },
    };
  },
};
