/**
 * Cross-node delivery latency added by the fan-out bus for a committed change (issue 6).
 *
 * Two engine node processes (tests/fixtures/engine-node.ts) on PostgreSQL and Redis. Writer A and
 * reader S are on node 1, reader X on node 2; all three share one channel. A sends one mutation at a
 * time; for each change the program times, from the moment A sent it:
 * - same node: arrival at S (commit → local log read → frame), the baseline;
 * - cross node: arrival at X (commit → Redis hint → node 2 reads the log from PostgreSQL → frame);
 * - added by the bus: X's arrival minus S's, per change.
 * The clients run in this process; the nodes in their own, so server work does not share the
 * clients' event loop. The safety poll is left at its 10 s default, so deliveries come from the bus.
 *
 * Run: `node --import tsx bench/cross-node-latency.ts [--changes=500] [--warmup=50]`
 * (DATABASE_URL / REDIS_URL, defaults postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379;
 * a throw-away schema and key prefix, removed afterwards).
 */
import { cpus, loadavg } from 'node:os';
import { build, type Histogram } from 'hdr-histogram-js';
import { ITEM_FIELDS } from '../tests/fixtures/engine-schema.ts';
import { EngineCluster } from '../tests/integration/cluster-harness.ts';
import { ResumingClient } from '../tests/integration/resuming-client.ts';

function argument(name: string, fallback: number): number {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? fallback : Number(raw);
}

function histogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

/** Microseconds, at least 1 (hdr histograms hold positive integers). */
const micros = (ms: number) => Math.max(1, Math.round(ms * 1000));

interface Row {
  path: string;
  changes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function row(path: string, values: Histogram): Row {
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    path,
    changes: values.totalCount,
    p50Ms: ms(values.getValueAtPercentile(50)),
    p99Ms: ms(values.getValueAtPercentile(99)),
    maxMs: ms(values.maxValue),
  };
}

async function main(): Promise<void> {
  const changes = argument('changes', 500);
  const warmup = argument('warmup', 50);
  const cluster = await EngineCluster.start({
    nodes: 2,
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  });
  const clients: ResumingClient[] = [];
  try {
    const topic = `wedding:bench-${cluster.prefix.slice(10, 18)}`;
    const node1 = cluster.node(0).wsUrl;
    const node2 = cluster.node(1).wsUrl;
    const writer = await ResumingClient.connect('bench-writer', { pickUrl: () => node1 });
    const same = await ResumingClient.connect('bench-same-node', { pickUrl: () => node1 });
    const cross = await ResumingClient.connect('bench-cross-node', { pickUrl: () => node2 });
    clients.push(writer, same, cross);
    for (const client of clients) await client.join(topic);

    const ack = histogram();
    const sameNode = histogram();
    const crossNode = histogram();
    const added = histogram();
    const arrival = (client: ResumingClient, count: number) =>
      client.until(() => client.observation(topic).seqs.length >= count).then(() => performance.now());
    for (let i = 1; i <= warmup + changes; i++) {
      const atSame = arrival(same, i);
      const atCross = arrival(cross, i);
      const sentAt = performance.now();
      const acked = writer
        .mutate(topic, 'bench', [
          { mid: i, c: 'items', id: `r${i % 10}`, base: 0, ops: [{ k: 'set', f: ITEM_FIELDS.title, v: i }] },
        ])
        .then(() => performance.now());
      const [ackAt, sameAt, crossAt] = await Promise.all([acked, atSame, atCross]);
      if (i <= warmup) continue;
      ack.recordValue(micros(ackAt - sentAt));
      sameNode.recordValue(micros(sameAt - sentAt));
      crossNode.recordValue(micros(crossAt - sentAt));
      added.recordValue(micros(Math.max(0, crossAt - sameAt)));
    }
    console.log(
      `cross-node latency: one change in flight, ${changes} changes (after ${warmup} warm-up), 2 node processes on PostgreSQL + Redis`,
    );
    console.log(
      `machine: ${cpus().length} cores, load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' / ')}`,
    );
    console.table([
      row('ack (send → ok reply, writer on node 1)', ack),
      row('same node (send → reader on node 1)', sameNode),
      row('cross node (send → reader on node 2)', crossNode),
      row('added by the bus (node 2 arrival − node 1 arrival)', added),
    ]);
    for (const values of [ack, sameNode, crossNode, added]) values.destroy();
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.dispose();
  }
}

await main();
