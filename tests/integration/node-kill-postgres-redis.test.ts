import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineCluster } from './cluster-harness.ts';
import { checkAll, faultScenario } from './cluster-scenarios.ts';
import { ResumingClient } from './resuming-client.ts';

const PRESENCE_HEARTBEAT_MS = 250;
const PRESENCE_TTL_MS = 3 * PRESENCE_HEARTBEAT_MS;

/** Issue 6 fault test: SIGKILL one of three node processes (real PostgreSQL and Redis) mid-burst. */
describe('issue 6: a node process killed mid-burst', () => {
  let cluster: EngineCluster;

  beforeAll(async () => {
    cluster = await EngineCluster.start({
      nodes: 3,
      env: { ENGINE_PRESENCE_HEARTBEAT_MS: String(PRESENCE_HEARTBEAT_MS), ENGINE_POLL_INTERVAL_MS: '1000' },
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.dispose();
  }, 30_000);

  /** Client i's node is i mod 3; when that node is dead the "load balancer" picks another live one. */
  const route = (clientIndex: number) => {
    const home = clientIndex % 3;
    return cluster.node(home).alive ? cluster.node(home).wsUrl : cluster.pickOther(home, clientIndex);
  };

  it('R11.2 R4.3 SIGKILL of a node: its clients resume on another node, its presence goes within the TTL, a restarted node serves the full log; checker passes', async () => {
    const target = { nodeCount: 3, wsUrl: (index: number) => cluster.node(index).wsUrl, storage: cluster.storage };
    const result = await faultScenario(target, {
      route,
      ghostNode: 1,
      mutationsPerWriter: 20,
      inject: () => cluster.kill(1, 'SIGKILL'),
      heal: async () => {
        await cluster.restart(1);
      },
    });
    expect(result.moved).toBe(2);
    expect(result.burst.acks).toHaveLength(6 * 20);
    // TTL plus one re-announcement period, with slack for a loaded 2-core machine.
    expect(result.ghostGoneAfterMs).toBeLessThan(PRESENCE_TTL_MS + PRESENCE_HEARTBEAT_MS + 4_000);

    const late = await ResumingClient.connect('late-joiner', { pickUrl: () => cluster.node(1).wsUrl });
    try {
      await late.join(result.topic);
      const report = await checkAll(cluster.storage, result.topic, [late]);
      expect(report.deliveries).toBe(result.report.logChanges);
    } finally {
      await late.close();
    }
  }, 120_000);
});
