import { compileSchemas } from '@wedsync/merge';
import {
  attachRecordSync,
  createRealtimeServer,
  type InProcessBus,
  InProcessBusHub,
  type RealtimeServer,
  type RecordSync,
  type Storage,
} from '@wedsync/server';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_JWT_SECRET, ENGINE_SCHEMAS, ITEM_FIELDS } from '../fixtures/engine-schema.ts';
import { ChannelObservation } from './channel-observation.ts';
import {
  type ClusterTarget,
  converge,
  faultScenario,
  freshTopic,
  moveScenario,
  spreadScenario,
} from './cluster-scenarios.ts';
import { checkDelivery } from './delivery-checker.ts';

/**
 * Issue 6 acceptance on the in-process bus: three engine nodes in this process sharing one PGlite log,
 * for fast local runs. The same scenarios run over PostgreSQL + Redis in *-postgres-redis.test.ts.
 */
interface InProcessNode {
  bus: InProcessBus;
  server: RealtimeServer;
  sync: RecordSync;
  wsUrl: string;
  alive: boolean;
}

const POLL_INTERVAL_MS = 200;
let storage: Storage;
let hub: InProcessBusHub;
let nodes: InProcessNode[] = [];

async function startNode(name: string): Promise<InProcessNode> {
  const bus = hub.createBus(name);
  const server = await createRealtimeServer({
    jwtSecret: ENGINE_JWT_SECRET,
    bus,
    rateLimit: false,
    presenceHeartbeatMs: 100,
    logger: pino({ level: 'silent' }),
  });
  const sync = await attachRecordSync(server, {
    storage,
    schemas: ENGINE_SCHEMAS,
    pollIntervalMs: POLL_INTERVAL_MS,
    onError: () => {},
  });
  const { wsUrl } = await server.listen();
  return { bus, server, sync, wsUrl, alive: true };
}

async function stopNode(node: InProcessNode): Promise<void> {
  if (!node.alive) return;
  node.alive = false;
  await node.sync.close();
  await node.server.close();
  await node.bus.close();
}

const target = (): ClusterTarget => ({
  nodeCount: nodes.length,
  wsUrl: (index) => nodes[index]!.wsUrl,
  storage,
});

/** Client i goes to node i mod N, or to the next live node when that one is gone. */
function route(clientIndex: number): string {
  for (let step = 0; step < nodes.length; step++) {
    const node = nodes[(clientIndex + step) % nodes.length]!;
    if (node.alive) return node.wsUrl;
  }
  throw new Error('no live node');
}

beforeAll(async () => {
  storage = await createPgliteStorage({});
});
afterAll(async () => {
  await storage.close();
});
afterEach(async () => {
  await Promise.all(nodes.map(stopNode));
  nodes = [];
});

/** Each test starts its own three nodes (cheap in-process), so a stopped or detached node never leaks into the next. */
async function threeNodes(): Promise<void> {
  hub = new InProcessBusHub();
  nodes = [await startNode('node-0'), await startNode('node-1'), await startNode('node-2')];
}

describe('issue 6: several nodes in one process over the in-process bus', () => {
  it('R3.1 R4.3 clients spread over three nodes see each other’s changes, broadcasts and presence', async () => {
    await threeNodes();
    const { report, burst, presence } = await spreadScenario(target(), 2, 10);
    expect(presence).toHaveLength(6);
    expect(burst.acks).toHaveLength(60);
    expect(report.deliveries).toBe(6 * report.logChanges);
  });

  it('R11.2 a client moved to another node resumes from its seq with nothing lost or doubled', async () => {
    await threeNodes();
    const { report, burst, replayed, connections } = await moveScenario(target());
    expect(connections).toBe(2);
    expect(replayed).toBeGreaterThan(0);
    expect(burst.acks).toHaveLength(40);
    expect(report.deliveries).toBe(3 * report.logChanges);
  });

  it('R11.2 R4.3 a node stopped mid-burst: its clients resume on another node, its presence is gone, checker passes', async () => {
    await threeNodes();
    const result = await faultScenario(target(), {
      route,
      ghostNode: 1,
      inject: () => stopNode(nodes[1]!),
    });
    expect(result.moved).toBe(2);
    expect(result.burst.acks).toHaveLength(6 * 20);
  });

  it('R11.2 a node cut off the bus mid-burst still converges through the log (safety poll), then through the bus again', async () => {
    await threeNodes();
    const cut = nodes[2]!;
    const result = await faultScenario(target(), {
      route,
      paceMs: 5,
      inject: async () => cut.bus.setDetached(true),
      whileFaulted: async ({ topic, clients, burst }) => {
        await burst.untilAcked(burst.acks.length + 10);
        await converge(storage, topic, clients);
        expect(await cut.bus.health()).toEqual({ ok: false, detail: 'detached' });
      },
      heal: async () => cut.bus.setDetached(false),
    });
    expect(result.moved).toBe(0);
  });

  it('issue 6 the delivery checker reports lost, duplicated, out-of-order and unknown seqs, wrong states and wrong acks', async () => {
    const { topic, recordIds, tag } = freshTopic();
    const { results, changes } = await storage.commit({
      clientId: `writer:${tag}`,
      actor: { userId: 'writer', name: 'Writer' },
      scope: topic,
      mutations: [1, 2, 3].map((mid) => ({
        mid,
        c: 'items',
        id: recordIds[0]!,
        base: 0,
        ops: [{ k: 'set' as const, f: ITEM_FIELDS.title, v: mid }],
      })),
      schemas: compileSchemas(ENGINE_SCHEMAS),
      nowMs: Date.now(),
    });
    const [first, second, third] = changes as [(typeof changes)[0], (typeof changes)[0], (typeof changes)[0]];
    const observe = (name: string, ...arrivals: (typeof changes)[0][][]) => {
      const observation = new ChannelObservation(topic, compileSchemas(ENGINE_SCHEMAS));
      for (const arrival of arrivals) observation.applyChanges({ changes: arrival });
      return { client: name, observation };
    };
    const wrongValue = { ...third, ops: [{ k: 'set' as const, f: ITEM_FIELDS.title, v: 'not what was committed' }] };
    const report = await checkDelivery(
      storage,
      [
        observe('clean', [first, second], [third]),
        observe('lossy', [first], [third]),
        observe('doubled', [first, second], [second, third]),
        observe('shuffled', [first, third], [second]),
        observe('stranger', [first, second, third, { ...third, seq: third.seq + 1000 }]),
        observe('diverged', [first, second, wrongValue]),
      ],
      [
        { clientId: tag, result: results[0]! },
        { clientId: tag, result: { mid: 2, status: 'applied', v: 2, seq: third.seq } },
      ],
    );
    expect(report.lost).toEqual([`lossy@${topic}: ${second.seq}`]);
    expect(report.duplicated).toEqual([`doubled@${topic}: ${second.seq}`]);
    expect(report.outOfOrder).toEqual([`shuffled@${topic}: ${third.seq}→${second.seq}`]);
    expect(report.unknown).toEqual([`stranger@${topic}: ${third.seq + 1000}`]);
    // 'lossy' still ends with the committed state (the last lww set wins): only 'diverged' differs.
    expect(report.stateMismatches.map((line) => line.split(':')[0])).toEqual(['diverged@wedding']);
    expect(report.ackMismatches).toHaveLength(1);
    expect(report.ackMismatches[0]).toContain(`#2 acked at seq ${third.seq}`);
  });
});
