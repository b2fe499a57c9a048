import type { SqlClient } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { PreferencesStore } from '../src/preferences/preferences-store.ts';
import { NotificationPump, PumpClosedError } from '../src/pump/notification-pump.ts';
import { intent, notificationDatabase } from './notification-fixture.ts';

describe("notification pump: written once, in the caller's transaction or its own, with its outbox jobs (R5.2, R5.4)", () => {
  let sql: SqlClient;
  let pump: NotificationPump;
  const outbox = () => new OutboxStore(sql);
  const nowMs = Date.UTC(2026, 0, 15, 23, 30, 0);
  beforeAll(async () => {
    sql = await notificationDatabase();
    pump = new NotificationPump({ sql, render: { appUrl: 'https://app.example' }, nowMs: () => nowMs });
  });
  afterAll(async () => {
    await sql.close();
  });

  it("R5.2 R5.4 writeIn writes in the caller's transaction: rolled back with its cause, committed with it, no wake before COMMIT", async () => {
    let wakes = 0;
    const inCause = new NotificationPump({
      sql,
      render: { appUrl: 'https://app.example' },
      nowMs: () => nowMs,
      onEnqueued: () => wakes++,
    });
    const lost = intent({ causeSeq: 499, id: 'form_submitted:499:u-sarah', importance: 'important' });
    await expect(
      sql.transaction(async (tx) => {
        expect(await inCause.writeIn(tx, [{ seq: 499, intents: [lost] }])).toBe(2);
        throw new Error('the cause failed');
      }),
    ).rejects.toThrow('the cause failed');
    expect(await sql.query('SELECT id FROM notify_notifications WHERE id = $1', [lost.id])).toEqual([]);
    expect(await outbox().jobsOfNotification(lost.id)).toEqual([]);
    const kept = intent({ causeSeq: 500, id: 'form_submitted:500:u-sarah', importance: 'important' });
    await sql.transaction((tx) => inCause.writeIn(tx, [{ seq: 500, intents: [kept] }]));
    expect((await outbox().jobsOfNotification(kept.id)).map((job) => job.channel)).toEqual(['inapp', 'email']);
    expect(wakes).toBe(0);
  });

  it('R5.2 one notification per recipient; jobs per channel, in one transaction', async () => {
    const sarah = intent({ causeSeq: 501, id: 'form_submitted:501:u-sarah', importance: 'important' });
    const bob = intent({ causeSeq: 501, id: 'form_submitted:501:u-bob', userId: 'u-bob', importance: 'important' });
    expect(await pump.write([{ seq: 501, intents: [sarah, bob] }])).toBe(4);
    expect((await outbox().jobsOfNotification(bob.id)).map((job) => job.channel)).toEqual(['inapp', 'email']);
    const jobs = await outbox().jobsOfNotification(sarah.id);
    expect(jobs.map((job) => [job.channel, job.idempotencyKey, job.target])).toEqual([
      ['inapp', `${sarah.id}:inapp`, 'user:u-sarah'],
      ['email', `${sarah.id}:email`, 'sarah@lenslight.example'],
    ]);
    const rows = await sql.query<{ plan: unknown }>('SELECT plan FROM notify_notifications WHERE id = $1', [sarah.id]);
    expect(rows[0]!.plan).toContainEqual({ channel: 'push', decision: 'no_target', reason: 'no subscribed device' });
  });

  it('R5.4 the same cause written again (retry, second node or second hook) adds nothing', async () => {
    const again = intent({ causeSeq: 501, id: 'form_submitted:501:u-sarah' });
    expect(await pump.write([{ seq: 501, intents: [again] }])).toBe(0);
    expect(await pump.write([{ intents: [again] }])).toBe(0);
    const count = await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM notify_jobs WHERE notification_id = $1', [
      again.id,
    ]);
    expect(Number(count[0]!.n)).toBe(2);
  });

  it('R5.2 the recipient preferences at write time decide the jobs; quiet hours delay push and SMS', async () => {
    await new PreferencesStore(sql).put(
      'u-olivia',
      { channels: { email: false }, quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' } },
      nowMs,
    );
    await sql.query(
      "INSERT INTO notify_push_subscriptions (endpoint, user_id, p256dh, auth, created_at_ms) VALUES ('https://push.example/o', 'u-olivia', 'k', 'a', 1)",
    );
    const olivia = intent({
      causeSeq: 502,
      id: 'guest_count_changed:502:u-olivia',
      userId: 'u-olivia',
      importance: 'important',
    });
    await pump.write([{ seq: 502, intents: [olivia] }]);
    const jobs = await outbox().jobsOfNotification(olivia.id);
    expect(jobs.map((job) => job.channel)).toEqual(['inapp', 'push']);
    expect(jobs.find((job) => job.channel === 'push')!.nextAttemptAtMs).toBe(Date.UTC(2026, 0, 16, 7, 0, 0));
    expect(jobs.find((job) => job.channel === 'inapp')!.nextAttemptAtMs).toBe(nowMs);
  });

  it('R5.4 tasks are written in the order queued; a failing task is retried before any later one, never skipped', async () => {
    const order: number[] = [];
    const errors: string[] = [];
    const retrying = new NotificationPump({
      sql,
      render: { appUrl: 'https://app.example' },
      nowMs: () => nowMs,
      retry: { baseMs: 1, maxMs: 2 },
      onError: (error) => errors.push(String(error)),
    });
    const first = retrying.enqueue(async () => {
      order.push(1);
      return [{ seq: 503, intents: [intent({ causeSeq: 503, id: 'task_completed:503:u-bob', userId: 'u-bob' })] }];
    });
    let lookups = 0;
    const flaky = retrying.enqueue(() => {
      order.push(2);
      if (++lookups < 3) throw new Error('lookup failed');
      return [{ seq: 504, intents: [intent({ causeSeq: 504, id: 'payment_received:504:u-bob', userId: 'u-bob' })] }];
    });
    const third = retrying.enqueue(() => {
      order.push(3);
      return [{ seq: 505, intents: [] }];
    });
    await Promise.all([first, flaky, third]);
    expect(order).toEqual([1, 2, 2, 2, 3]);
    expect(errors).toEqual(['Error: lookup failed', 'Error: lookup failed']);
    expect((await outbox().jobsOfNotification('task_completed:503:u-bob')).map((job) => job.channel)).toEqual([
      'inapp',
      'email',
    ]);
    expect((await outbox().jobsOfNotification('payment_received:504:u-bob')).map((job) => job.channel)).toEqual([
      'inapp',
      'email',
    ]);
  });

  it('R5.4 a write the database refuses (connection lost) is written on retry, never skipped by the next cause', async () => {
    let refusals = 2;
    const flakySql: SqlClient = {
      ...sql,
      query: (text, params) => sql.query(text, params),
      exec: (script) => sql.exec(script),
      close: () => sql.close(),
      transaction: (fn) =>
        refusals-- > 0 ? Promise.reject(new Error('Connection terminated unexpectedly')) : sql.transaction(fn),
    };
    const errors: string[] = [];
    const retrying = new NotificationPump({
      sql: flakySql,
      render: { appUrl: 'https://app.example' },
      nowMs: () => nowMs,
      retry: { baseMs: 1, maxMs: 2 },
      onError: (error) => errors.push(String(error)),
    });
    const lost = intent({ causeSeq: 506, id: 'client_message:506:u-bob', userId: 'u-bob', importance: 'important' });
    const next = intent({ causeSeq: 507, id: 'client_message:507:u-bob', userId: 'u-bob', importance: 'important' });
    const writes = [
      retrying.enqueue(() => [{ seq: 506, intents: [lost] }]),
      retrying.enqueue(() => [{ seq: 507, intents: [next] }]),
    ];
    expect(await Promise.all(writes)).toEqual([2, 2]);
    expect(errors).toEqual(['Error: Connection terminated unexpectedly', 'Error: Connection terminated unexpectedly']);
    for (const one of [lost, next]) {
      expect((await outbox().jobsOfNotification(one.id)).map((job) => job.channel)).toEqual(['inapp', 'email']);
    }
  });

  it('R5.4 a clean close writes every task already queued', async () => {
    const closing = new NotificationPump({ sql, render: { appUrl: 'https://app.example' }, nowMs: () => nowMs });
    const queued = [508, 509].map((seq) =>
      closing.enqueue(() => [{ seq, intents: [intent({ causeSeq: seq, id: `form_submitted:${seq}:u-bob` })] }]),
    );
    await closing.close();
    expect(await Promise.all(queued)).toEqual([2, 2]);
    for (const seq of [508, 509]) {
      expect((await outbox().jobsOfNotification(`form_submitted:${seq}:u-bob`)).map((job) => job.channel)).toEqual([
        'inapp',
        'email',
      ]);
    }
  });

  it('R5.4 closing stops the retries: after a last failed try nothing later is written', async () => {
    let closing: Promise<void> | undefined;
    const closed = new NotificationPump({
      sql,
      render: { appUrl: 'https://app.example' },
      nowMs: () => nowMs,
      retry: { baseMs: 60_000, maxMs: 60_000 },
      onError: () => {
        closing ??= closed.close();
      },
    });
    const stuck = closed.enqueue(() => {
      throw new Error('history unavailable');
    });
    const later = closed.enqueue(() => [
      { seq: 600, intents: [intent({ causeSeq: 600, id: 'form_submitted:600:u-bob' })] },
    ]);
    await expect(stuck).rejects.toThrow('history unavailable');
    await expect(later).rejects.toThrow(PumpClosedError);
    await closing;
    expect(await outbox().jobsOfNotification('form_submitted:600:u-bob')).toEqual([]);
  });
});
