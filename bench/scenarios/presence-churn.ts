import { sleepMs } from '../clock/monotonic-clock.ts';
import { summariseEncoded } from '../load/latency-histogram.ts';
import { LoadPool } from '../load/load-pool.ts';
import { profileTables } from '../profile/cpu-profile-summary.ts';
import { formatCount } from '../report/scenario-report.ts';
import {
  deliveryCell,
  drain,
  LATENCY_COLUMNS,
  latencyCells,
  type Progress,
  type Scenario,
  SERVER_COLUMNS,
  serverCells,
} from './scenario-kit.ts';
import { withTarget } from './target-run.ts';

interface ChurnCollect {
  joinsSeen: number;
  leavesSeen: number;
  expectedJoins: number;
  expectedLeaves: number;
  joinLatency: string;
}

/**
 * Presence churn (issue 9): N connections in rooms of 50, presence tracked; in every room the first
 * `churners-per-room` members leave and rejoin (+track) at `churn-rate` joins+leaves per second in
 * total, while the others watch. Measured at the watchers: scheduled join → `presence_diff`
 * arrival, and every join/leave diff counted against what is due.
 */
export const presenceChurn: Scenario = {
  name: 'presence-churn',
  summary: 'joins+leaves/s in rooms of 50 with N connected: presence_diff latency and completeness',
  defaults: {
    connections: 10000,
    'room-size': 50,
    'churners-per-room': 5,
    'churn-rate': 500,
    'duration-ms': 10000,
    workers: 1,
  },
  quick: { connections: 3000, 'duration-ms': 5000 },
  async run(params) {
    const findings: string[] = [];
    const connections = params.num('connections');
    const profileAs = params.bool('profile') ? 'presence-churn-wedsync' : undefined;
    const { result, profile } = await withTarget({ kind: 'wedsync' }, profileAs, async (target) => {
      const pool = await LoadPool.start(LoadPool.workersFor(connections, params.num('workers')));
      try {
        await pool.init({
          protocol: 'phoenix',
          url: target.url,
          totalClients: connections,
          roomSize: params.num('room-size'),
          roomPrefix: 'wedding:',
          userChannel: false,
          presence: 'track',
          sync: false,
          auth: true,
          sourceAddresses: 8,
        });
        const opened = await pool.all<{ failed: number; errors: string[] }>('open', { concurrency: 200 });
        const failed = opened.reduce((sum, item) => sum + item.failed, 0);
        if (failed > 0)
          throw new Error(`${failed} clients failed to open: ${opened.flatMap((item) => item.errors).join('; ')}`);
        await sleepMs(2_000);
        await pool.all('churnStart', { churnersPerRoom: params.num('churners-per-room') });
        await target.windowBegin();
        const ops = await pool.all<{ joins: number; leaves: number; maxLagUs: number }>('churn', {
          ratePerSecond: params.num('churn-rate') / pool.size,
          durationMs: params.num('duration-ms'),
        });
        const expected = (await pool.all<Progress>('progress')).reduce((sum, item) => sum + item.presenceExpected, 0);
        await drain(pool, expected, (progress) => progress.presenceSeen);
        const server = await target.windowEnd();
        const collected = await pool.all<ChurnCollect>('churnCollect', { reset: true });
        await pool.all('churnRestore');
        return { ops, server, collected };
      } finally {
        await pool.stop();
      }
    });
    const { ops, server, collected } = result;
    const sum = (pick: (item: ChurnCollect) => number) => collected.reduce((total, item) => total + pick(item), 0);
    const joins = ops.reduce((total, item) => total + item.joins, 0);
    const leaves = ops.reduce((total, item) => total + item.leaves, 0);
    const latency = summariseEncoded(collected.map((item) => item.joinLatency));
    const rooms = Math.ceil(connections / params.num('room-size'));
    return {
      tables: [
        {
          title: `Presence churn: ${formatCount(connections)} connected in ${rooms} rooms of ${params.num('room-size')}, ${params.num('churn-rate')} joins+leaves/s`,
          columns: [
            'joins',
            'leaves',
            ...LATENCY_COLUMNS.map((column) => `join diff ${column}`),
            'join diffs seen/due',
            'leave diffs seen/due',
            ...SERVER_COLUMNS,
          ],
          rows: [
            [
              joins,
              leaves,
              ...latencyCells(latency),
              deliveryCell(
                'presence churn joins',
                sum((item) => item.joinsSeen),
                sum((item) => item.expectedJoins),
                findings,
              ),
              deliveryCell(
                'presence churn leaves',
                sum((item) => item.leavesSeen),
                sum((item) => item.expectedLeaves),
                findings,
              ),
              ...serverCells(server),
            ],
          ],
        },
        ...(profile ? profileTables(profile, 'WedSync under presence churn') : []),
      ],
      findings,
      notes: [
        'Each rejoin is phx_join + presence track with the scheduled time in the meta; watchers (members that never leave) measure scheduled join → presence_diff. Leave diffs are counted, not timed.',
        'No issue target for this scenario; it shows the cost of presence fan-out under churn (each join/leave is a diff to every other member).',
      ],
      data: { ops, server, latency, collected: collected.map(({ joinLatency: _omit, ...rest }) => rest) },
    };
  },
};
