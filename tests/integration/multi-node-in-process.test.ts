import { createRealtimeServer, type InProcessBus, InProcessBusHub, type RealtimeServer } from '@wedsync/server';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachRecordSync, type RecordSync } from '../../packages/server/src/records/record-sync.ts';
import type { Storage } from '../../packages/server/src/storage/storage.ts';
import { ENGINE_JWT_SECRET, ENGINE_SCHEMAS } from '../fixtures/engine-schema.ts';
import { type ClusterTarget, converge, faultScenario, moveScenario, spreadScenario } from './cluster-scenarios.ts';

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
    const { report, presence } = await spreadScenario(target(), 2, 10);
    expect(presence).toHaveLength(6);
    expect(report.logChanges).toBe(60);
    expect(report.deliveries).toBe(6 * 60);
  });

  it('R11.2 a client moved to another node resumes from its seq with nothing lost or doubled', async () => {
    await threeNodes();
    const { report, replayed, connections } = await moveScenario(target());
    expect(connections).toBe(2);
    expect(replayed).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
  });

  it('R11.2 R4.3 a node stopped mid-burst: its clients resume on another node, its presence is gone, checker passes', async () => {
    await threeNodes();
    const result = await faultScenario(target(), {
      route,
      ghostNode: 1,
      inject: () => stopNode(nodes[1]!),
    });
    expect(result.moved).toBe(2);
    expect(result.report.logChanges).toBe(6 * 20);
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
});
