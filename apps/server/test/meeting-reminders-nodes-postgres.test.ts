import { randomBytes } from 'node:crypto';
import type { OutboxJob } from '@wedsync/notifications';
import { type FieldOp, NOTIFICATION_TOAST_EVENT, type NotificationToast } from '@wedsync/protocol';
import { InProcessBusHub } from '@wedsync/server';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { PostgresAppNodes } from './postgres-app-nodes.ts';

const NODES = 3;
const MINUTE_MS = 60_000;
const WEDDING_TOPIC = 'wedding:w-emma-james';
const ATTENDEES = fieldIdOf('meetings', 'attendees');
const set = (name: string, v: unknown): FieldOp => ({ k: 'set', f: fieldIdOf('meetings', name), v });
const attend = (userId: string): FieldOp => ({ k: 'add', f: ATTENDEES, id: userId, v: { userId } });
const reminderId = (meetingId: string, startAtMs: number, userId: string) =>
  `meeting_reminder:${meetingId}:${startAtMs}:${userId}`;

/**
 * R9.1 "each reminder is sent once, whichever node" on the path production runs: three app nodes on one
 * PostgreSQL schema (a connection pool each), every node scanning for due reminders at the same moment
 * (`scanReminders`, what each node's timer does every `reminderScanIntervalMs`). Reminder ids are
 * deterministic, so the notification pump writes each once, and the outbox delivers each job once —
 * a bell record, a toast, an email and an SMS per attendee, never two. A reschedule is reminded at its
 * new time; a cancelled meeting, a removed attendee and an attendee who may not see the meeting are not.
 */
describe('R9.1 meeting reminders once across three nodes on PostgreSQL', () => {
  const hub = new InProcessBusHub();
  const cluster = new PostgresAppNodes({
    databaseUrl: process.env.DATABASE_URL ?? '',
    schema: `t_reminder_nodes_${randomBytes(4).toString('hex')}`,
    dataDirPrefix: 'wedsync-reminder-nodes-',
    createBus: () => hub.createBus(),
  });
  const { storages, nodes } = cluster;
  /** Every outbox job that reached its final outcome, on any node, by job id. */
  const finished = new Map<number, OutboxJob>();
  const finishedWaiters = new Set<() => void>();
  let sarah: SyncTestClient;
  let emma: SyncTestClient;
  let mids = 0;

  beforeAll(async () => {
    await cluster.start(NODES, (node) => {
      node.notifications.onJobFinished((job) => {
        finished.set(Number(job.id), job);
        for (const waiter of finishedWaiters) waiter();
      });
    });
    sarah = await cluster.connect('u-sarah', nodes[0]!);
    emma = await cluster.connect('u-emma', nodes[NODES - 1]!);
    await sarah.join(WEDDING_TOPIC);
    await emma.join('user:u-emma');
  }, 180_000);

  afterAll(() => cluster.close());

  /** Sarah writes a meeting on node 0; every node's Directory holds the change before the test goes on. */
  const writeMeeting = async (id: string, ops: FieldOp[]) => {
    const base = (await storages[0]!.getRecord('meetings', id))?.v ?? 0;
    const reply = await sarah.mutate(WEDDING_TOPIC, 'sarah-reminders', [{ mid: ++mids, c: 'meetings', id, base, ops }]);
    expect(reply.response.results?.[0]?.status).toBe('applied');
    await Promise.all(nodes.map((node) => node.follower.catchUp()));
  };
  const createMeeting = (id: string, startAtMs: number, attendees: string[]) =>
    writeMeeting(id, [
      set('weddingId', 'w-emma-james'),
      set('supplierId', 'lenslight'),
      set('title', `Call ${id}`),
      set('startAtMs', startAtMs),
      set('endAtMs', startAtMs + 30 * MINUTE_MS),
      set('status', 'scheduled'),
      ...attendees.map(attend),
    ]);
  /** Every node scans at the same moment, twice (the second round finds nothing new to write). */
  const scanEverywhereAtOnce = async () => {
    for (let round = 0; round < 2; round++) {
      await Promise.all(nodes.map((node) => node.notifications.scanReminders()));
    }
  };
  const remindersOf = async (meetingPrefix: string) =>
    (
      await storages[0]!.sql.query<{ id: string }>(
        'SELECT id FROM notify_notifications WHERE left(id, length($1)) = $1 ORDER BY id',
        [`meeting_reminder:${meetingPrefix}`],
      )
    ).map((row) => row.id);
  /** Resolves once every outbox job of these notifications reached its final outcome; returns them. */
  const deliveredJobs = async (notificationIds: readonly string[]) => {
    const rows = await storages[0]!.sql.query<{ id: unknown }>(
      'SELECT id FROM notify_jobs WHERE notification_id = ANY($1::text[])',
      [[...notificationIds]],
    );
    const ids = rows.map((row) => Number(row.id));
    await new Promise<void>((resolve) => {
      const check = () => {
        if (!ids.every((id) => finished.has(id))) return;
        finishedWaiters.delete(check);
        resolve();
      };
      finishedWaiters.add(check);
      check();
    });
    return storages[0]!.sql.query<{
      notification_id: string;
      channel: string;
      status: string;
      attempts: unknown;
      tries: unknown;
    }>(
      `SELECT j.notification_id, j.channel, j.status, j.attempts,
              (SELECT count(*) FROM notify_attempts a WHERE a.job_id = j.id) AS tries
         FROM notify_jobs j WHERE j.notification_id = ANY($1::text[]) ORDER BY j.notification_id, j.channel`,
      [[...notificationIds]],
    );
  };
  const toastsOf = (id: string) =>
    emma
      .framesOf('user:u-emma', NOTIFICATION_TOAST_EVENT)
      .filter((frame) => (frame.payload as NotificationToast).id === id);
  /** Waits until every frame the server sent Emma before now has arrived (one round trip). */
  const drained = async () => expect((await emma.request('phoenix', 'heartbeat', {})).status).toBe('ok');
  const bellWrites = async (id: string) =>
    (await storages[0]!.changesSince(['user:u-emma'], 0, 100_000)).filter(
      (change) => change.c === 'notifications' && change.id === id,
    );

  test('R9.1 R5.4 three nodes scanning at once write and deliver each reminder once per attendee', async () => {
    const start = Date.now() + 10 * MINUTE_MS;
    const meetings = ['mt-nodes-a', 'mt-nodes-b', 'mt-nodes-c', 'mt-nodes-d'];
    for (const [n, id] of meetings.entries()) {
      await createMeeting(id, start + n * MINUTE_MS, ['u-sarah', 'u-emma', 'u-james']);
    }
    await scanEverywhereAtOnce();

    const expected = meetings
      .flatMap((id, n) => ['u-emma', 'u-james', 'u-sarah'].map((u) => reminderId(id, start + n * MINUTE_MS, u)))
      .sort();
    expect(await remindersOf('mt-nodes-')).toEqual(expected);
    const jobs = await deliveredJobs(expected);
    // Emma and James: the couple's contact phone, so SMS too; Sarah: email; everyone in-app (critical).
    expect(jobs).toHaveLength(4 * (3 + 3 + 2));
    for (const job of jobs) expect(job).toMatchObject({ status: 'sent', attempts: 1, tries: '1' });

    await drained();
    for (const [n, id] of meetings.entries()) {
      const forEmma = reminderId(id, start + n * MINUTE_MS, 'u-emma');
      expect(toastsOf(forEmma)).toHaveLength(1);
      expect(await bellWrites(forEmma)).toHaveLength(1);
    }
  });

  test('R9.1 across nodes: a rescheduled meeting is reminded again at its new time; a cancelled meeting, a removed attendee and one who may not see it get none', async () => {
    const now = Date.now();
    const movedFrom = (await storages[0]!.getRecord('meetings', 'mt-nodes-a'))!.fields[
      String(fieldIdOf('meetings', 'startAtMs'))
    ] as number;
    const movedTo = now + 20 * MINUTE_MS;
    await writeMeeting('mt-nodes-a', [set('startAtMs', movedTo), set('endAtMs', movedTo + 30 * MINUTE_MS)]);
    await createMeeting('mt-later-cancelled', now + 15 * MINUTE_MS, ['u-sarah', 'u-emma']);
    await writeMeeting('mt-later-cancelled', [set('status', 'cancelled')]);
    // Noah (Bloom) has no part in this wedding: he may not see Lens & Light's meeting with the couple.
    await createMeeting('mt-later-people', now + 15 * MINUTE_MS, ['u-sarah', 'u-emma', 'u-james', 'u-noah']);
    await writeMeeting('mt-later-people', [{ k: 'remove', f: ATTENDEES, id: 'u-james' }]);
    await scanEverywhereAtOnce();

    const moved = ['u-emma', 'u-james', 'u-sarah'].map((u) => reminderId('mt-nodes-a', movedTo, u));
    const before = ['u-emma', 'u-james', 'u-sarah'].map((u) => reminderId('mt-nodes-a', movedFrom, u));
    expect(await remindersOf('mt-nodes-a:')).toEqual([...before, ...moved].sort());
    expect(await remindersOf('mt-later-cancelled:')).toEqual([]);
    const people = await remindersOf('mt-later-people:');
    expect(people.map((id) => id.split(':').at(-1))).toEqual(['u-emma', 'u-sarah']);

    const jobs = await deliveredJobs([...moved, ...people]);
    for (const job of jobs) expect(job).toMatchObject({ status: 'sent', attempts: 1, tries: '1' });
    await drained();
    for (const id of [reminderId('mt-nodes-a', movedTo, 'u-emma'), reminderId('mt-nodes-a', movedFrom, 'u-emma')]) {
      expect(toastsOf(id)).toHaveLength(1);
    }
  });
});
