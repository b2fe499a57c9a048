import { sleepMs } from '../clock/monotonic-clock.ts';
import type { ClientLayout } from '../load/client-layout.ts';
import { LoadPool } from '../load/load-pool.ts';
import type { Cell, Table } from '../report/scenario-report.ts';
import { formatBytes, formatCount } from '../report/scenario-report.ts';
import type { MemoryReading, TargetKind } from '../target/target-config.ts';
import type { TargetHandle } from '../target/target-handle.ts';
import { type Params, PROTOCOL_OF, type Scenario, TARGET_LABEL, targetKinds, verdict } from './scenario-kit.ts';
import { withTarget } from './target-run.ts';

interface Footprint {
  target: TargetKind;
  label: string;
  connections: number;
  before: MemoryReading;
  after: MemoryReading;
  afterNoGc: MemoryReading;
  rssPerConnection: number;
  heapPerConnection: number;
  externalPerConnection: number;
}

/**
 * Idle footprint (issue 9): N authenticated connections, each in 2 channels (its wedding room and
 * its own user channel) with presence tracked on both; server memory per connection after a full GC
 * (RSS delta / N). Plain ws and Socket.IO hold the same number of bare connections (one room each).
 */
export const idleFootprint: Scenario = {
  name: 'idle-footprint',
  summary: 'N authenticated idle connections in 2 channels with presence: server memory per connection',
  defaults: {
    connections: 5000,
    'room-size': 10,
    'settle-ms': 3000,
    targets: 'wedsync,ws,socketio',
    workers: 1,
    breakdown: false,
  },
  quick: { connections: 3000 },
  async run(params) {
    const notes: string[] = [];
    const findings: string[] = [];
    const results: Footprint[] = [];
    for (const kind of targetKinds(params, notes)) {
      for (const variant of variantsOf(kind, params.bool('breakdown'))) {
        const { result } = await withTarget({ kind }, undefined, (target) =>
          measure(params, kind, variant, target, findings),
        );
        results.push(result);
      }
    }
    const table: Table = {
      title: `Server memory per idle connection (${formatCount(params.num('connections'))} connections)`,
      columns: [
        'server',
        'connections',
        'RSS before',
        'RSS after',
        'RSS / connection',
        'JS heap / connection',
        'external (Buffers) / connection',
        'RSS / connection without forced GC',
      ],
      rows: results.map((result): Cell[] => [
        result.label,
        result.connections,
        formatBytes(result.before.rssBytes),
        formatBytes(result.after.rssBytes),
        formatBytes(result.rssPerConnection),
        formatBytes(result.heapPerConnection),
        formatBytes(result.externalPerConnection),
        formatBytes((result.afterNoGc.rssBytes - result.before.rssBytes) / Math.max(1, result.connections)),
      ]),
    };
    const ours = results.find((result) => result.target === 'wedsync' && result.label === FULL_LABEL);
    if (ours)
      findings.push(
        `${verdict(ours.rssPerConnection <= 8 * 1024)} idle: ${formatBytes(ours.rssPerConnection)} RSS per connection (target ≤ 8 KiB)`,
      );
    notes.push(
      'Memory is read in the server process after three forced full GCs (`--expose-gc`), before the clients connect and after they all joined and settled; kernel socket buffers are not part of RSS.',
      'WedSync connections carry a verified JWT, 2 joined channels and a tracked presence on each; plain ws / Socket.IO connections only sit in one room.',
    );
    return { tables: [table], findings, notes, data: { results } };
  },
};

interface Variant {
  label: string;
  layout: Pick<ClientLayout, 'auth' | 'userChannel' | 'presence'> & { noChannels?: boolean };
}

const FULL_LABEL = 'WedSync (token, 2 channels, presence)';

/** What each server holds per connection; with `breakdown`, WedSync is measured in stages to show what costs what. */
function variantsOf(kind: TargetKind, breakdown: boolean): Variant[] {
  const bare = { auth: false, userChannel: false, presence: 'off' as const };
  if (kind !== 'wedsync') return [{ label: TARGET_LABEL[kind], layout: bare }];
  const full: Variant = { label: FULL_LABEL, layout: { auth: true, userChannel: true, presence: 'track' } };
  if (!breakdown) return [full];
  return [
    { label: 'WedSync: bare socket (no token, no channel)', layout: { ...bare, noChannels: true } },
    { label: 'WedSync: + token', layout: { ...bare, auth: true, noChannels: true } },
    { label: 'WedSync: + token, room channel', layout: { ...bare, auth: true } },
    { label: 'WedSync: + token, room + own user channel', layout: { ...bare, auth: true, userChannel: true } },
    full,
  ];
}

async function measure(
  params: Params,
  kind: TargetKind,
  variant: Variant,
  target: TargetHandle,
  findings: string[],
): Promise<Footprint> {
  const connections = params.num('connections');
  const pool = await LoadPool.start(LoadPool.workersFor(connections, params.num('workers')));
  try {
    await pool.init({
      protocol: PROTOCOL_OF[kind],
      url: target.url,
      totalClients: connections,
      roomSize: params.num('room-size'),
      roomPrefix: 'wedding:',
      sync: false,
      sourceAddresses: 8,
      ...variant.layout,
    });
    const before = await target.memory(true);
    const opened = await pool.all<{ opened: number; failed: number; errors: string[] }>('open', { concurrency: 200 });
    const count = opened.reduce((sum, item) => sum + item.opened, 0);
    const failed = opened.reduce((sum, item) => sum + item.failed, 0);
    if (failed > 0)
      findings.push(
        `FLAG idle ${TARGET_LABEL[kind]}: ${failed} connections failed (${opened.flatMap((item) => item.errors).join('; ')})`,
      );
    await sleepMs(params.num('settle-ms'));
    const afterNoGc = await target.memory(false);
    const after = await target.memory(true);
    const server = await target.connections();
    if (server.server !== count)
      findings.push(`FLAG idle ${variant.label}: server counts ${server.server} connections, clients ${count}`);
    console.log(
      `  ${kind}: ${count} connections, RSS ${formatBytes(before.rssBytes)} → ${formatBytes(after.rssBytes)}`,
    );
    await pool.all('closeAll', { timeoutMs: 20_000 });
    const per = (delta: number) => delta / Math.max(1, count);
    return {
      target: kind,
      label: variant.label,
      connections: count,
      before,
      after,
      afterNoGc,
      rssPerConnection: per(after.rssBytes - before.rssBytes),
      heapPerConnection: per(after.heapUsedBytes - before.heapUsedBytes),
      externalPerConnection: per(after.externalBytes - before.externalBytes),
    };
  } finally {
    await pool.stop();
  }
}
