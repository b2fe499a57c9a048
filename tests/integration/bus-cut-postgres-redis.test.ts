import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../packages/fanout-redis/test/tcp-proxy.ts';
import { EngineCluster } from './cluster-harness.ts';
import { converge, faultScenario } from './cluster-scenarios.ts';

/**
 * How long node 2 is cut off the bus. Issue 6 asks for 30 s (the default); `INTEGRATION_BUS_CUT_MS`
 * shortens it for quick local runs.
 */
const CUT_MS = Number(process.env.INTEGRATION_BUS_CUT_MS ?? 30_000);
const MUTATIONS_PER_WRITER = 20;
/** Spread each writer's mutations over the cut, so changes are written on every node throughout it. */
const PACE_MS = Math.floor(CUT_MS / MUTATIONS_PER_WRITER);
const POLL_INTERVAL_MS = 1_000;

/**
 * Issue 6 fault test: one of three nodes (real PostgreSQL and Redis) loses its Redis connections for
 * CUT_MS through a TCP proxy that refuses it; its clients keep converging through the log (the
 * safety poll every POLL_INTERVAL_MS), and everything crosses the bus again once the link is back.
 */
describe('issue 6: one node cut off the bus', () => {
  let proxy: TcpProxy;
  let cluster: EngineCluster;

  beforeAll(async () => {
    const redisUrl = process.env.REDIS_URL ?? '';
    proxy = await TcpProxy.start(redisUrl);
    cluster = await EngineCluster.start({
      nodes: 3,
      redisUrlFor: (index) => (index === 2 ? proxy.urlFor(redisUrl) : redisUrl),
      env: { ENGINE_PRESENCE_HEARTBEAT_MS: '250', ENGINE_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) },
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.dispose();
    await proxy?.close();
  }, 30_000);

  it(
    `R11.2 R3.1 a node off the bus for ${CUT_MS} ms still delivers every change through the log, and rejoins the bus; checker passes`,
    async () => {
      const target = { nodeCount: 3, wsUrl: (index: number) => cluster.node(index).wsUrl, storage: cluster.storage };
      const result = await faultScenario(target, {
        route: (clientIndex) => cluster.node(clientIndex % 3).wsUrl,
        mutationsPerWriter: MUTATIONS_PER_WRITER,
        paceMs: PACE_MS,
        faultAfterAcks: 6,
        inject: async () => proxy.cut(),
        whileFaulted: async ({ topic, clients, burst }) => {
          const cutAtMs = Date.now();
          const cut = await cluster.untilHealth(2, ({ status }) => status === 503);
          expect(cut.body.bus.ok).toBe(false);
          expect(cut.body.checks.storage).toEqual({ ok: true });
          expect((await cluster.healthz(0)).status).toBe(200);
          // Halfway through the cut, every client (on the cut node too) has every change committed so far.
          await burst.untilAcked(Math.floor((clients.length * MUTATIONS_PER_WRITER) / 2));
          await converge(cluster.storage, topic, clients);
          // The cut lasts its full length (the scenario's duration, not a wait for some event).
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, CUT_MS - (Date.now() - cutAtMs))));
          await converge(cluster.storage, topic, clients);
        },
        heal: async () => {
          proxy.restore();
          await cluster.untilHealth(2, ({ status, body }) => status === 200 && body.bus.ok);
        },
        afterwards: async ({ topic, clients }) => {
          const everyone = clients
            .map((client) => client.userId)
            .sort()
            .join();
          for (const client of clients)
            await client.until(() => client.observation(topic).presenceKeys().join() === everyone);
          clients[2]!.broadcast(topic, 'back-on-the-bus', {});
          for (const client of clients.filter((_, index) => index !== 2)) {
            await client.until(() =>
              client.observation(topic).broadcasts.some(({ event }) => event === 'back-on-the-bus'),
            );
          }
        },
      });
      expect(result.moved).toBe(0);
      expect(result.burst.acks).toHaveLength(6 * MUTATIONS_PER_WRITER);
    },
    CUT_MS + 60_000,
  );
});
