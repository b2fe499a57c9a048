import { randomUUID } from 'node:crypto';
import type { Storage } from '@wedsync/server';
import { assertDelivered, checkDelivery, type DeliveryReport, readScopeLog } from './delivery-checker.ts';
import { ResumingClient } from './resuming-client.ts';
import { WriteBurst } from './write-burst.ts';

/** Whatever runs the nodes: child processes on PostgreSQL + Redis, or several engines in one process. */
export interface ClusterTarget {
  nodeCount: number;
  wsUrl(index: number): string;
  /** A reader of the shared log and snapshots, for the checker. */
  storage: Storage;
}

/** A fresh channel (its own log scope), record ids and a tag for client ids, unique to one scenario. */
export function freshTopic(): { topic: string; recordIds: string[]; tag: string } {
  const tag = randomUUID().slice(0, 8);
  return { topic: `wedding:mn-${tag}`, recordIds: ['r1', 'r2', 'r3'].map((name) => `${tag}-${name}`), tag };
}

/** Waits until every client has received the scope's last change on `topic`. */
export async function converge(
  storage: Storage,
  topic: string,
  clients: ResumingClient[],
  timeoutMs = 30_000,
): Promise<number> {
  const head = (await readScopeLog(storage, topic)).at(-1)?.seq ?? 0;
  await Promise.all(
    clients.map((client) =>
      client.until(
        () => client.observation(topic).lastSeq >= head,
        timeoutMs,
        () => `lastSeq ${client.observation(topic).lastSeq} < scope head ${head}`,
      ),
    ),
  );
  return head;
}

/** Converges, then runs the checker over every client and the burst's acks; throws on any problem. */
export async function checkAll(
  storage: Storage,
  topic: string,
  clients: ResumingClient[],
  burst?: WriteBurst,
): Promise<DeliveryReport> {
  await converge(storage, topic, clients);
  const report = await checkDelivery(
    storage,
    clients.map((client) => ({ client: client.userId, observation: client.observation(topic) })),
    burst?.acks ?? [],
  );
  assertDelivered(report);
  if (burst && burst.unexpected.length > 0) throw new Error(`unexpected results:\n${burst.unexpected.join('\n')}`);
  // Every acknowledged write is exactly one change of the log, and the log holds nothing else.
  if (burst && report.logChanges !== burst.committed) {
    throw new Error(`the log holds ${report.logChanges} changes but ${burst.committed} acks name one`);
  }
  return report;
}

/**
 * Clients spread across every node (client i on node i mod N), all on one channel with presence:
 * each sees every other's presence and broadcasts, and a write burst from all of them reaches all of
 * them (checker: 0 lost, 0 duplicated, 0 out of order, states equal to the snapshot).
 */
export async function spreadScenario(target: ClusterTarget, clientsPerNode = 1, mutationsPerWriter = 15) {
  const { topic, recordIds, tag } = freshTopic();
  const clients: ResumingClient[] = [];
  try {
    for (let i = 0; i < target.nodeCount * clientsPerNode; i++) {
      const url = target.wsUrl(i % target.nodeCount);
      const client = await ResumingClient.connect(`user-${i}`, { pickUrl: () => url });
      clients.push(client);
      await client.join(topic, `user-${i}`);
      await client.track(topic, { status: 'active' });
    }
    const everyone = clients.map((client) => client.userId).sort();
    for (const client of clients) {
      await client.until(
        () => client.observation(topic).presenceKeys().join() === everyone.join(),
        15_000,
        () => `presence ${client.observation(topic).presenceKeys().join()}`,
      );
    }
    clients[0]!.broadcast(topic, 'hello', { from: clients[0]!.userId });
    for (const client of clients.slice(1)) {
      await client.until(() => client.observation(topic).broadcasts.some((message) => message.event === 'hello'));
    }
    const burst = new WriteBurst(
      clients.map((client, index) => ({ client, topic, clientId: `${tag}-spread-${index}` })),
      { mutationsPerWriter, recordIds },
    );
    await burst.run();
    const report = await checkAll(target.storage, topic, clients, burst);
    return { report, burst, clients, topic, presence: everyone };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/**
 * R11.2 across nodes: a reader on node 1 goes away mid-burst, comes back on node 2 with `since` = the
 * last `seq` it saw, and gets exactly the changes it missed (replayed), then the live ones.
 */
export async function moveScenario(target: ClusterTarget, mutationsPerWriter = 20) {
  const { topic, recordIds, tag } = freshTopic();
  const clients: ResumingClient[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const url = target.wsUrl(i % target.nodeCount);
      const client = await ResumingClient.connect(`mover-${i}`, { pickUrl: () => url });
      clients.push(client);
      await client.join(topic);
    }
    const [writerA, mover, writerC] = clients as [ResumingClient, ResumingClient, ResumingClient];
    const burst = new WriteBurst(
      [
        { client: writerA, topic, clientId: `${tag}-move-a` },
        { client: writerC, topic, clientId: `${tag}-move-c` },
      ],
      { mutationsPerWriter, recordIds },
    );
    const running = burst.run();
    await burst.untilAcked(Math.floor(mutationsPerWriter / 2));
    await mover.disconnect();
    const acksAtLeave = burst.acks.length;
    await burst.untilAcked(acksAtLeave + 5);
    await mover.moveTo(target.wsUrl(2 % target.nodeCount));
    await running;
    const report = await checkAll(target.storage, topic, clients, burst);
    return { report, burst, replayed: mover.observation(topic).replayed, connections: mover.connections };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

export interface FaultScenarioOptions {
  /** Where client `i` connects, asked again at every reconnection (the load balancer's choice). */
  route(clientIndex: number): string;
  /** The fault (SIGKILL a node, stop Redis or PostgreSQL, cut a node off the bus). */
  inject(context: FaultContext): Promise<void>;
  /** Checks while the fault lasts (e.g. health says so, clients still converge); default none. */
  whileFaulted?(context: FaultContext): Promise<void>;
  /** Ends the fault (restart the service, restore the link); default none. */
  heal?(context: FaultContext): Promise<void>;
  /** Checks after the burst and the delivery check, while the clients are still connected. */
  afterwards?(context: FaultContext): Promise<void>;
  clientsPerNode?: number;
  mutationsPerWriter?: number;
  /** Inject after this many acks; default a third of the burst. */
  faultAfterAcks?: number;
  paceMs?: number;
  /** Presence keys that must vanish from every surviving view once the fault is injected. */
  ghostNode?: number;
}

export interface FaultContext {
  topic: string;
  clients: ResumingClient[];
  burst: WriteBurst;
}

/**
 * A write burst from clients spread over every node (each client both writes and reads), with a fault
 * injected mid-burst; afterwards every client must have converged and the checker must pass. With
 * `ghostNode`, a presence-only client on that node that never reconnects must disappear from every
 * other view (no ghost users after a node dies).
 */
export async function faultScenario(target: ClusterTarget, options: FaultScenarioOptions) {
  const { topic, recordIds, tag } = freshTopic();
  const clientsPerNode = options.clientsPerNode ?? 2;
  const mutationsPerWriter = options.mutationsPerWriter ?? 20;
  const clients: ResumingClient[] = [];
  let ghost: ResumingClient | undefined;
  try {
    for (let i = 0; i < target.nodeCount * clientsPerNode; i++) {
      const client = await ResumingClient.connect(`fault-${i}`, { pickUrl: () => options.route(i) });
      clients.push(client);
      await client.join(topic, `fault-${i}`);
      await client.track(topic, { status: 'active' });
    }
    if (options.ghostNode !== undefined) {
      const url = target.wsUrl(options.ghostNode);
      ghost = await ResumingClient.connect('ghost', { pickUrl: () => url, reconnect: false });
      await ghost.join(topic, 'ghost');
      await ghost.track(topic, { status: 'active' });
      for (const client of clients)
        await client.until(() => client.observation(topic).presenceKeys().includes('ghost'));
    }
    const burst = new WriteBurst(
      clients.map((client, index) => ({ client, topic, clientId: `${tag}-fault-${index}` })),
      { mutationsPerWriter, recordIds, ...(options.paceMs ? { paceMs: options.paceMs } : {}) },
    );
    const context: FaultContext = { topic, clients, burst };
    const running = burst.run();
    const failed = running.then(
      () => undefined,
      (error: unknown) => error,
    );
    await Promise.race([
      burst.untilAcked(options.faultAfterAcks ?? Math.floor((clients.length * mutationsPerWriter) / 3)),
      failed,
    ]);
    await options.inject(context);
    const injectedAtMs = Date.now();
    let ghostGoneAfterMs: number | undefined;
    if (ghost) {
      await Promise.all(
        clients.map((client) =>
          client.until(() => !client.observation(topic).presenceKeys().includes('ghost'), 15_000),
        ),
      );
      ghostGoneAfterMs = Date.now() - injectedAtMs;
    }
    await options.whileFaulted?.(context);
    await options.heal?.(context);
    await running;
    const report = await checkAll(target.storage, topic, clients, burst);
    await options.afterwards?.(context);
    const moved = clients.filter((client) => client.connections > 1).length;
    return { report, burst, moved, ghostGoneAfterMs, topic, clients };
  } finally {
    await Promise.all([...clients, ...(ghost ? [ghost] : [])].map((client) => client.close()));
  }
}
