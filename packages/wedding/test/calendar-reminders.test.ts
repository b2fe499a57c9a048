import { createPgliteStorage, type SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DAY_MS,
  fieldIdOf,
  type MeetingReminder,
  type MeetingReminderSender,
  MeetingReminders,
  type ReminderSendResult,
  type ReminderTurn,
} from '../src/index.ts';
import { type JourneyWorld, openJourneyWorld } from './journey-fixture.ts';
import { NOW_MS } from './seeded-model.ts';

const HOUR_MS = 3_600_000;
const LEASE_MS = 60_000;
const ATTENDEES = fieldIdOf('meetings', 'attendees');

class Sender implements MeetingReminderSender {
  readonly sent: MeetingReminder[] = [];
  readonly script: ReminderSendResult[] = [];
  async send(reminder: MeetingReminder): Promise<ReminderSendResult> {
    const result = this.script.shift() ?? { ok: true };
    if (result.ok) this.sent.push(reminder);
    return result;
  }
}

/** R9.1 each reminder is sent once per attendee, whichever node; moves, cancellations and removals are honoured. */
describe('R9.1 meeting reminders, two nodes on one database', () => {
  let storage: SqlStorage;
  let world: JourneyWorld;
  const senders = [new Sender(), new Sender()];
  let nodes: MeetingReminders[];

  beforeAll(async () => {
    storage = await createPgliteStorage();
    world = await openJourneyWorld(storage);
    nodes = senders.map(
      (sender, n) =>
        new MeetingReminders({
          sql: storage.sql,
          directory: world.model.directory,
          sender,
          nodeId: `node-${n}`,
          nowMs: world.clock.now,
          leadMs: DAY_MS,
          leaseMs: LEASE_MS,
          retryBaseMs: 10_000,
        }),
    );
    world.onApplied.push(async ({ applied }) => {
      for (const change of applied) for (const node of nodes) await node.noteApplied(change);
    });
    for (const node of nodes) await node.enqueueAll();
  }, 120_000);
  afterAll(() => storage?.close());

  const tickBoth = async (): Promise<ReminderTurn[]> => (await Promise.all(nodes.map((n) => n.tick()))).flat();
  const sentIds = () => senders.flatMap((s) => s.sent.map((r) => r.id)).sort();

  test('R9.1 a reminder goes to each attendee once, a day before, from one of the nodes', async () => {
    world.clock.ms = NOW_MS + 2 * DAY_MS - 1;
    expect(await tickBoth()).toEqual([]);
    world.clock.ms = NOW_MS + 2 * DAY_MS + HOUR_MS;
    await tickBoth();
    expect(await tickBoth()).toEqual([]);
    const start = NOW_MS + 3 * DAY_MS;
    expect(sentIds()).toEqual([
      `meeting_reminder:mt-priya-consult:${start}:u-noah`,
      `meeting_reminder:mt-priya-consult:${start}:u-priya`,
    ]);
    const priya = senders.flatMap((s) => s.sent).find((r) => r.userId === 'u-priya')!;
    expect(priya).toMatchObject({
      trigger: 'meeting_reminder',
      title: 'Reminder: Floral consultation',
      link: '/calendar?meeting=mt-priya-consult',
    });
    expect(priya.body).toMatch(/^Floral consultation starts \d{4}-\d\d-\d\d at \d\d:\d\d UTC, Bloom studio$/);
  });

  test('R9.1 a rescheduled meeting is reminded at its new time only; a removed attendee is not reminded', async () => {
    const newStart = NOW_MS + 6 * DAY_MS;
    await world.write('u-olivia', 'meetings', 'mt-emma-tasting', { startAtMs: newStart, endAtMs: newStart + HOUR_MS });
    await world.write('u-sarah', 'meetings', 'mt-emma-engagement', {}, [{ k: 'remove', f: ATTENDEES, id: 'u-james' }]);
    world.clock.ms = NOW_MS + 4 * DAY_MS + HOUR_MS;
    expect(await tickBoth()).toEqual([]);
    world.clock.ms = NOW_MS + 5 * DAY_MS + HOUR_MS;
    await tickBoth();
    const tasting = sentIds().filter((id) => id.includes('mt-emma-tasting'));
    expect(tasting).toEqual(
      ['u-emma', 'u-james', 'u-olivia'].map((u) => `meeting_reminder:mt-emma-tasting:${newStart}:${u}`),
    );
    world.clock.ms = NOW_MS + 9 * DAY_MS + HOUR_MS;
    await tickBoth();
    const engagement = sentIds().filter((id) => id.includes('mt-emma-engagement'));
    expect(engagement.map((id) => id.split(':').at(-1))).toEqual(['u-emma', 'u-sarah']);
  });

  test('R9.1 a cancelled meeting sends no reminder', async () => {
    const start = world.clock.now() + 3 * DAY_MS;
    await world.write(
      'u-sarah',
      'meetings',
      'mt-cancelled',
      {
        supplierId: 'lenslight',
        weddingId: 'w-emma-james',
        title: 'Venue walk',
        startAtMs: start,
        endAtMs: start + HOUR_MS,
        status: 'scheduled',
      },
      [{ k: 'add', f: ATTENDEES, id: 'u-emma', v: { userId: 'u-emma' } }],
    );
    await world.write('u-sarah', 'meetings', 'mt-cancelled', { status: 'cancelled' });
    world.clock.advance(2 * DAY_MS + HOUR_MS);
    await tickBoth();
    expect(sentIds().filter((id) => id.includes('mt-cancelled'))).toEqual([]);
    expect((await nodes[0]!.store.list('meeting_reminder', 'mt-cancelled:')).map((w) => w.status)).toEqual([
      'cancelled',
    ]);
  });

  test('R9.1 a node dying with a claimed reminder does not lose it; a failed send is retried, and still sent once', async () => {
    const start = world.clock.now() + 2 * DAY_MS;
    await world.write(
      'u-olivia',
      'meetings',
      'mt-feast-call',
      {
        supplierId: 'feast',
        weddingId: 'w-emma-james',
        title: 'Call',
        startAtMs: start,
        endAtMs: start + HOUR_MS,
        status: 'scheduled',
      },
      [
        { k: 'add', f: ATTENDEES, id: 'u-olivia', v: { userId: 'u-olivia' } },
        { k: 'add', f: ATTENDEES, id: 'u-james', v: { userId: 'u-james' } },
      ],
    );
    world.clock.advance(DAY_MS + HOUR_MS);
    const dead = await nodes[0]!.store.claim('meeting_reminder', {
      nodeId: 'dead-node',
      nowMs: world.clock.now(),
      leaseMs: LEASE_MS,
      limit: 1,
    });
    expect(dead).toHaveLength(1);
    senders[0]!.script.push({ ok: false, error: 'push service 503' });
    senders[1]!.script.push({ ok: false, error: 'push service 503' });
    await tickBoth();
    world.clock.advance(LEASE_MS);
    for (let round = 0; round < 5; round++) {
      await tickBoth();
      world.clock.advance(20_000);
    }
    expect(sentIds().filter((id) => id.includes('mt-feast-call'))).toEqual([
      `meeting_reminder:mt-feast-call:${start}:u-james`,
      `meeting_reminder:mt-feast-call:${start}:u-olivia`,
    ]);
    const rows = await nodes[1]!.store.list('meeting_reminder', 'mt-feast-call:');
    expect(rows.map((row) => row.status)).toEqual(['done', 'done']);
  });
});
