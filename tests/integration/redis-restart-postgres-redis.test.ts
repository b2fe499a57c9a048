import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineCluster } from './cluster-harness.ts';
import { converge, faultScenario } from './cluster-scenarios.ts';
import { PrivateRedis } from './private-redis.ts';

/**
 * Issue 6 fault test: the Redis server of a three-node cluster crashes mid-burst and comes back on the
 * same port, empty. A private redis-server is started for this (the shared one is never restarted);
 * PostgreSQL is the shared DATABASE_URL.
 */
describe('issue 6: Redis restarted mid-burst', () => {
  let redis: PrivateRedis;
  let cluster: EngineCluster;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    cluster = await EngineCluster.start({
      nodes: 3,
      redisUrl: redis.url,
      env: { ENGINE_PRESENCE_HEARTBEAT_MS: '250', ENGINE_POLL_INTERVAL_MS: '500' },
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.dispose();
    await redis?.stop();
  }, 30_000);

  it('R11.2 R3.1 writes go on while Redis is down, every node delivers them from the log, /healthz says so and recovers; checker passes', async () => {
    const target = { nodeCount: 3, wsUrl: (index: number) => cluster.node(index).wsUrl, storage: cluster.storage };
    const nodes = [0, 1, 2];
    const result = await faultScenario(target, {
      route: (clientIndex) => cluster.node(clientIndex % 3).wsUrl,
      mutationsPerWriter: 20,
      paceMs: 20,
      inject: () => redis.kill(),
      whileFaulted: async ({ topic, clients, burst }) => {
        for (const index of nodes) {
          const health = await cluster.untilHealth(index, ({ status }) => status === 503);
          expect(health.body.bus.ok).toBe(false);
          expect(health.body.checks.storage).toEqual({ ok: true });
        }
        // The database is up: mutations are still acknowledged, and reach every node through the log.
        await burst.untilAcked(burst.acks.length + 10);
        await converge(cluster.storage, topic, clients);
      },
      heal: async () => {
        await redis.start();
        for (const index of nodes)
          await cluster.untilHealth(index, ({ status, body }) => status === 200 && body.bus.ok);
      },
      afterwards: async ({ topic, clients }) => {
        // Ephemeral traffic crosses nodes again once the bus is back: presence converges, broadcasts arrive.
        const everyone = clients
          .map((client) => client.userId)
          .sort()
          .join();
        for (const client of clients)
          await client.until(() => client.observation(topic).presenceKeys().join() === everyone);
        clients[0]!.broadcast(topic, 'after-redis-restart', {});
        for (const client of clients.slice(1)) {
          await client.until(() =>
            client.observation(topic).broadcasts.some(({ event }) => event === 'after-redis-restart'),
          );
        }
      },
    });
    expect(result.moved).toBe(0);
    expect(result.burst.acks).toHaveLength(6 * 20);
  }, 120_000);
});
