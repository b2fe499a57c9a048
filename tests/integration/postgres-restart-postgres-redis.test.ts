import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineCluster } from './cluster-harness.ts';
import { faultScenario } from './cluster-scenarios.ts';
import { PrivatePostgres } from './private-postgres.ts';

/**
 * Issue 6 fault test: the PostgreSQL server of a three-node cluster stops at once (`-m immediate`, like
 * a crash) mid-burst and starts again. A private cluster is initialised for this (the shared server is
 * never restarted); Redis is the shared REDIS_URL.
 */
describe('issue 6: PostgreSQL restarted mid-burst', () => {
  let postgres: PrivatePostgres;
  let cluster: EngineCluster;

  beforeAll(async () => {
    postgres = await PrivatePostgres.create();
    cluster = await EngineCluster.start({
      nodes: 3,
      databaseUrl: postgres.url,
      env: { ENGINE_PRESENCE_HEARTBEAT_MS: '250', ENGINE_POLL_INTERVAL_MS: '500' },
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.dispose();
    await postgres?.dispose();
  }, 30_000);

  it('R11.2 no acks while the database is down (STORAGE_UNAVAILABLE, /healthz 503), a client moved meanwhile resumes once it is back, writes resume; checker passes', async () => {
    const target = { nodeCount: 3, wsUrl: (index: number) => cluster.node(index).wsUrl, storage: cluster.storage };
    const nodes = [0, 1, 2];
    let acksWhileDown = -1;
    let refusalsBeforeStop = 0;
    const result = await faultScenario(target, {
      route: (clientIndex) => cluster.node(clientIndex % 3).wsUrl,
      mutationsPerWriter: 20,
      paceMs: 20,
      inject: async ({ burst }) => {
        refusalsBeforeStop = burst.refusals.length;
        await postgres.stop();
      },
      whileFaulted: async ({ clients, burst }) => {
        for (const index of nodes) {
          const health = await cluster.untilHealth(index, ({ status }) => status === 503);
          expect(health.body.checks.storage?.ok).toBe(false);
          expect(health.body.bus).toEqual({ ok: true });
        }
        // Once every writer has been refused since the stop, no ack may arrive while the database is down:
        // each writer is refused twice more (retrying its mutation) and the ack count does not move.
        await burst.untilEveryWriterRefused(refusalsBeforeStop);
        const acksAtDown = burst.acks.length;
        for (let round = 0; round < 2; round++) await burst.untilEveryWriterRefused(burst.refusals.length);
        acksWhileDown = burst.acks.length - acksAtDown;
        // A client moved to another node now cannot be resumed (the log is unreadable): the server says
        // so with a `system` sync error, and the client rejoins until the database is back.
        const mover = clients[0]!;
        await mover.moveTo(cluster.node(1).wsUrl);
        await mover.until(() => mover.resumeFailures > 0);
      },
      heal: async () => {
        await postgres.start();
        for (const index of nodes) await cluster.untilHealth(index, ({ status }) => status === 200);
      },
    });
    expect(acksWhileDown).toBe(0);
    expect(result.burst.refusals.every(({ code }) => code === 'STORAGE_UNAVAILABLE')).toBe(true);
    expect(result.burst.refusals.length).toBeGreaterThanOrEqual(3 * 6);
    expect(result.burst.acks).toHaveLength(6 * 20);
  }, 120_000);
});
