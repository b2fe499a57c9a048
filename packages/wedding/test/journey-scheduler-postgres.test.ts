import { randomBytes } from 'node:crypto';
import { createPostgresStorage, type SqlStorage } from '@wedsync/storage-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JourneyScheduler, type RunTurn } from '../src/index.ts';
import {
  createJourney,
  type JourneyWorld,
  logLines,
  openJourneyWorld,
  ScriptedMailer,
  startRun,
  storageWriter,
} from './journey-fixture.ts';
import { EMMA_COUPLE, PRIYA_COUPLE } from './seeded-model.ts';

const RUNS = 24;
const LEASE_MS = 60_000;

/**
 * R8 on real PostgreSQL: two scheduler instances, each on its own connection pool (two nodes), tick
 * concurrently over one database; SKIP LOCKED claims hand every due run to one of them, so each
 * module of each run is sent exactly once. A third node claims and dies; its runs are retaken.
 */
describe('R8 journey scheduler on PostgreSQL, two nodes', () => {
  const url = process.env.DATABASE_URL ?? '';
  const schema = `t_journeys_${randomBytes(4).toString('hex')}`;
  let storages: SqlStorage[] = [];
  let world: JourneyWorld;
  const mailers = [new ScriptedMailer(), new ScriptedMailer()];
  let nodes: JourneyScheduler[] = [];

  beforeAll(async () => {
    storages = [
      await createPostgresStorage({ connectionString: url, schema, poolSize: 4 }),
      await createPostgresStorage({ connectionString: url, schema, poolSize: 4 }),
    ];
    world = await openJourneyWorld(storages[0]!);
    nodes = storages.map(
      (storage, n) =>
        new JourneyScheduler({
          sql: storage.sql,
          writer: storageWriter(storage, world.clock),
          directory: world.model.directory,
          mailer: mailers[n]!,
          nodeId: `pg-node-${n}`,
          nowMs: world.clock.now,
          leaseMs: LEASE_MS,
          batchSize: 4,
        }),
    );
    world.onApplied.push(async ({ applied }) => {
      for (const change of applied) for (const node of nodes) await node.noteApplied(change);
    });
    await createJourney(world, 'j-pg', [
      ['Welcome', [{ id: 'hello', kind: 'send_email', label: 'Welcome email' }]],
      ['Follow-up', [{ id: 'follow', kind: 'send_email', label: 'Follow-up email' }]],
    ]);
    for (let n = 0; n < RUNS; n++) {
      await startRun(world, `j-pg.run-${n}`, 'j-pg', n % 2 === 0 ? EMMA_COUPLE : PRIYA_COUPLE);
    }
  }, 120_000);

  afterAll(async () => {
    for (const storage of storages) await storage.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  async function tickConcurrently(): Promise<RunTurn[]> {
    const turns: RunTurn[] = [];
    for (let round = 0; round < 50; round++) {
      const batch = (await Promise.all(nodes.map((node) => node.tick()))).flat();
      turns.push(...batch);
      if (batch.length === 0) break;
    }
    await world.settle();
    return turns;
  }

  test('R8 every module of every run is sent exactly once across the two nodes', async () => {
    // A third node claims a few runs and dies before doing anything.
    const dead = await nodes[0]!.store.claim('journey_run', {
      nodeId: 'pg-dead-node',
      nowMs: world.clock.now(),
      leaseMs: LEASE_MS,
      limit: 3,
    });
    expect(dead).toHaveLength(3);
    await tickConcurrently();
    const pending = await nodes[0]!.store.list('journey_run', 'j-pg.');
    expect(
      pending
        .filter((work) => work.status === 'claimed')
        .map((work) => work.key)
        .sort(),
    ).toEqual(dead.map((work) => work.key).sort());
    world.clock.advance(LEASE_MS);
    await tickConcurrently();

    const keys = mailers.flatMap((mailer) => mailer.sent.map((email) => `${email.runId}/${email.moduleId}`));
    expect(keys).toHaveLength(RUNS * 2);
    expect(new Set(keys).size).toBe(RUNS * 2);
    // Both nodes really competed for the work.
    expect(mailers.map((mailer) => mailer.sent.length > 0)).toEqual([true, true]);
    for (let n = 0; n < RUNS; n++) {
      const runId = `j-pg.run-${n}`;
      expect(logLines(world.model, runId)).toEqual([
        'hello:started',
        'hello:completed',
        'follow:started',
        'follow:completed',
      ]);
      expect(world.model.directory.records.get('journey_runs', runId)?.fields).toMatchObject({
        status: 'completed',
        stageIndex: 1,
      });
    }
    const rows = await nodes[1]!.store.list('journey_run', 'j-pg.');
    expect(rows.every((row) => row.status === 'done')).toBe(true);
  });
});
