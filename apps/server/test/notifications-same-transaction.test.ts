import type { MutateReply } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCluster } from './wiring-fixture.ts';

const WEDDING_TOPIC = 'wedding:w-emma-james';

interface NotificationRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  trigger: string;
  cause_seq: unknown;
}

// Issue 7 item 1 (R5.2, R5.4): each trigger's notification records are written IN the transaction that
// commits their cause (the storage's withinCommit hook), with their outbox jobs. Two app nodes share one
// database and one bus, and each runs the triggers in that transaction: each notification is still
// written once. Nothing waits on a follower, so there is no gap to replay after a crash.
describe('R5.2 R5.4 notifications are committed in the transaction of their cause', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start(2);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  const notificationsOf = (seq: number) =>
    cluster.storage.sql.query<NotificationRow>(
      'SELECT id, user_id, trigger, cause_seq FROM notify_notifications WHERE cause_seq = $1 ORDER BY id',
      [seq],
    );
  const jobsOf = (ids: readonly string[]) =>
    cluster.storage.sql.query<{ notification_id: string; channel: string }>(
      'SELECT notification_id, channel FROM notify_jobs WHERE notification_id = ANY($1::text[]) ORDER BY notification_id, channel',
      [[...ids]],
    );

  it('R5.2 a form submitted on node A has its notification rows and outbox jobs when its ack arrives, once although both nodes run the triggers', async () => {
    const emma = await cluster.connect('u-emma', 0);
    await emma.join(WEDDING_TOPIC);
    const { status, seq } = await cluster.write(emma, WEDDING_TOPIC, 'form_assignments', 'a-emma-menu', {
      status: 'submitted',
    });
    expect(status).toBe('applied');
    // Read at once, on the ack: no follower, no pump has had to run.
    const rows = await notificationsOf(seq!);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.user_id)).toContain('u-olivia');
    for (const row of rows) {
      expect(row).toMatchObject({ id: `form_submitted:${seq}:${row.user_id}`, trigger: 'form_submitted' });
      expect(Number(row.cause_seq)).toBe(seq);
    }
    const jobs = await jobsOf(rows.map((row) => row.id));
    // Important: in-app and email per recipient, each job once (idempotency keys are unique).
    expect(jobs).toEqual(
      rows.flatMap((row) => [
        { notification_id: row.id, channel: 'email' },
        { notification_id: row.id, channel: 'inapp' },
      ]),
    );
  });

  it('R5.2 a cause whose notifications cannot be written is not committed either; once they can be, it commits with them', async () => {
    const emma = await cluster.connect('u-emma', 1);
    await emma.join(WEDDING_TOPIC);
    // The notification table refuses client messages (as a full disk or a broken table would).
    await cluster.storage.sql.exec(
      "ALTER TABLE notify_notifications ADD CONSTRAINT test_refuse_messages CHECK (trigger <> 'client_message') NOT VALID",
    );
    const head = await cluster.storage.headSeq();
    const message = {
      mid: 1,
      c: 'messages',
      id: 'msg-same-transaction-1',
      base: 0,
      ops: cluster.ops('messages', {
        weddingId: 'w-emma-james',
        supplierId: 'lenslight',
        senderId: 'u-emma',
        fromCouple: true,
        body: 'Can we move the shoot to 3pm?',
        sentAtMs: Date.now(),
        readAtMs: null,
      }),
    };
    let refused: unknown;
    try {
      const reply = await emma.mutate(WEDDING_TOPIC, 'emma-same-transaction', [message]);
      expect(reply.status).toBe('error');
      expect(JSON.stringify(reply.response)).toContain('STORAGE_UNAVAILABLE');
      const serverCommit = cluster.nodes[0]!.sync.commit({
        clientId: 'same-transaction-server',
        actor: { userId: 'u-emma', name: 'Emma' },
        scope: WEDDING_TOPIC,
        mutations: [{ ...message, id: 'msg-same-transaction-2' }],
      });
      refused = await serverCommit.then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await cluster.storage.sql.exec('ALTER TABLE notify_notifications DROP CONSTRAINT test_refuse_messages');
    }
    expect(String(refused)).toContain('test_refuse_messages');
    // Neither message exists, the log did not move, the client's mid was not consumed.
    expect(await cluster.storage.getRecord('messages', 'msg-same-transaction-1')).toBeUndefined();
    expect(await cluster.storage.getRecord('messages', 'msg-same-transaction-2')).toBeUndefined();
    expect(await cluster.storage.headSeq()).toBe(head);
    expect(await cluster.storage.lastMutationId('u-emma:emma-same-transaction')).toBe(0);

    // The client retries the same mutation: committed, and its notifications with it.
    const retry = await emma.mutate(WEDDING_TOPIC, 'emma-same-transaction', [message]);
    const result = (retry.response as MutateReply).results[0]!;
    expect(result).toMatchObject({ status: 'applied' });
    const seq = (result as { seq: number }).seq;
    const rows = await notificationsOf(seq);
    expect(rows.map((row) => row.user_id)).toContain('u-sarah');
    expect(
      rows.every((row) => row.trigger === 'client_message' && row.id === `client_message:${seq}:${row.user_id}`),
    ).toBe(true);
  });

  it("R4.2 R5.2 a rollback that re-submits a form notifies in the rollback's own transaction", async () => {
    const node = cluster.nodes[0]!;
    const submitted = await cluster.versionOf('form_assignments', 'a-emma-menu');
    await cluster.serverWrite(WEDDING_TOPIC, 'form_assignments', 'a-emma-menu', { status: 'in_progress' });
    const outcome = await node.sync.rollback({
      scope: WEDDING_TOPIC,
      c: 'form_assignments',
      id: 'a-emma-menu',
      toVersion: submitted,
      actor: { userId: 'u-emma', name: 'Emma' },
    });
    if (!('change' in outcome)) throw new Error(outcome.error.message);
    const rows = await notificationsOf(outcome.change.seq);
    expect(rows.map((row) => row.user_id)).toContain('u-olivia');
    expect(rows.every((row) => row.id === `form_submitted:${outcome.change.seq}:${row.user_id}`)).toBe(true);
  });

  it('R5.4 a node that stops right after the ack, before any delivery: the notification is delivered once by the next node', async () => {
    const [first, second] = cluster.nodes;
    // No worker runs: the commit is acknowledged and nothing is sent before the nodes go away.
    await first!.notifications.worker.close();
    await second!.notifications.worker.close();
    const emma = await cluster.connect('u-emma', 0);
    await emma.join(WEDDING_TOPIC);
    const { seq } = await cluster.write(emma, WEDDING_TOPIC, 'form_assignments', 'a-emma-questionnaire', {
      status: 'submitted',
    });
    const id = `form_submitted:${seq}:u-sarah`;
    expect((await notificationsOf(seq!)).map((row) => row.id)).toContain(id);
    await emma.close();
    for (const node of cluster.nodes.splice(0)) await node.close();
    expect(await cluster.storage.getRecord('notifications', id)).toBeUndefined();

    // A node starts on the same database: its worker finds the jobs committed with the cause.
    await cluster.addNode();
    await expect
      .poll(() => cluster.storage.getRecord('notifications', id), { timeout: 30_000 })
      .toMatchObject({
        scope: 'user:u-sarah',
        v: 1,
      });
    const inapp = await cluster.storage.sql.query<{ status: string }>(
      "SELECT status FROM notify_jobs WHERE notification_id = $1 AND channel = 'inapp'",
      [id],
    );
    expect(inapp).toEqual([{ status: 'sent' }]);
  }, 120_000);
});
