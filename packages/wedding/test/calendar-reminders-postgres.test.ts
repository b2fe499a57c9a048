import { randomBytes } from 'node:crypto';
import { createPostgresStorage, type SqlStorage } from '@wedsync/storage-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DAY_MS, fieldIdOf, MeetingReminders, RecordingReminderSender } from '../src/index.ts';
import { type JourneyWorld, openJourneyWorld } from './journey-fixture.ts';

const MEETINGS = 15;
const ATTENDEES = ['u-sarah', 'u-bob', 'u-emma'];

/** R9.1 on real PostgreSQL: two nodes on their own pools tick at once; every attendee of every meeting is reminded once. */
describe('R9.1 meeting reminders on PostgreSQL, two nodes', () => {
  const url = process.env.DATABASE_URL ?? '';
  const schema = `t_reminders_${randomBytes(4).toString('hex')}`;
  let storages: SqlStorage[] = [];
  let world: JourneyWorld;
  const senders = [new RecordingReminderSender(), new RecordingReminderSender()];
  let nodes: MeetingReminders[] = [];

  beforeAll(async () => {
    storages = [
      await createPostgresStorage({ connectionString: url, schema, poolSize: 4 }),
      await createPostgresStorage({ connectionString: url, schema, poolSize: 4 }),
    ];
    world = await openJourneyWorld(storages[0]!);
    nodes = storages.map(
      (storage, n) =>
        new MeetingReminders({
          sql: storage.sql,
          directory: world.model.directory,
          sender: senders[n]!,
          nodeId: `pg-node-${n}`,
          nowMs: world.clock.now,
          leadMs: DAY_MS,
          batchSize: 5,
        }),
    );
    world.onApplied.push(async ({ applied }) => {
      for (const change of applied) for (const node of nodes) await node.noteApplied(change);
    });
    const start = world.clock.now() + 2 * DAY_MS;
    for (let n = 0; n < MEETINGS; n++) {
      await world.write(
        'u-sarah',
        'meetings',
        `mt-pg-${n}`,
        {
          supplierId: 'lenslight',
          weddingId: 'w-emma-james',
          title: `Meeting ${n}`,
          startAtMs: start + n * 60_000,
          endAtMs: start + n * 60_000 + 30_000,
          status: 'scheduled',
        },
        ATTENDEES.map((userId) => ({ k: 'add', f: fieldIdOf('meetings', 'attendees'), id: userId, v: { userId } })),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const storage of storages) await storage.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  test('R9.1 each reminder is sent once across the two nodes', async () => {
    world.clock.advance(DAY_MS + 20 * 60_000);
    for (let round = 0; round < 20; round++) {
      const turns = (await Promise.all(nodes.map((node) => node.tick()))).flat();
      if (turns.length === 0) break;
    }
    const ids = senders.flatMap((sender) => sender.sent.map((r) => r.id)).filter((id) => id.includes(':mt-pg-'));
    expect(ids).toHaveLength(MEETINGS * ATTENDEES.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(senders.map((sender) => sender.sent.length > 0)).toEqual([true, true]);
  });
});
