import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineCluster } from './cluster-harness.ts';
import { type ClusterTarget, moveScenario, spreadScenario } from './cluster-scenarios.ts';

/**
 * Issue 6 acceptance: three engine processes on loopback sharing real PostgreSQL (DATABASE_URL) and
 * Redis (REDIS_URL); one cluster for the file (starting node processes costs seconds).
 */
describe('issue 6: three node processes on PostgreSQL and Redis', () => {
  let cluster: EngineCluster;
  let target: ClusterTarget;

  beforeAll(async () => {
    cluster = await EngineCluster.start({
      nodes: 3,
      env: { ENGINE_PRESENCE_HEARTBEAT_MS: '250', ENGINE_POLL_INTERVAL_MS: '1000' },
    });
    target = { nodeCount: 3, wsUrl: (index) => cluster.node(index).wsUrl, storage: cluster.storage };
  }, 90_000);

  afterAll(async () => {
    await cluster.dispose();
  }, 30_000);

  it('R3.1 R4.3 clients spread across the nodes see each other’s changes, broadcasts and presence', async () => {
    const { report, burst, presence } = await spreadScenario(target, 1, 15);
    expect(presence).toEqual(['user-0', 'user-1', 'user-2']);
    expect(burst.acks).toHaveLength(45);
    expect(report.deliveries).toBe(3 * report.logChanges);
  });

  it('R11.2 a client moved to another node resumes from its seq with nothing lost or doubled', async () => {
    const { report, burst, replayed, connections } = await moveScenario(target);
    expect(connections).toBe(2);
    expect(replayed).toBeGreaterThan(0);
    expect(burst.acks).toHaveLength(40);
    expect(report.deliveries).toBe(3 * report.logChanges);
  });

  it('R14.1 /healthz of every node reports the database and the bus as healthy', async () => {
    for (const index of [0, 1, 2]) {
      const { status, body } = await cluster.healthz(index);
      expect(status).toBe(200);
      expect(body.bus).toEqual({ ok: true });
      expect(body.checks.storage).toEqual({ ok: true });
    }
  });
});
