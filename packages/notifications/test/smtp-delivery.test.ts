import type { SqlClient } from '@wedsync/storage-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { OutboxWorker } from '../src/outbox/outbox-worker.ts';
import { NotificationPump } from '../src/pump/notification-pump.ts';
import { createSmtpSender } from '../src/senders/smtp-sender.ts';
import { decodeQuotedPrintable, finishedJobs, intent, notificationDatabase } from './notification-fixture.ts';
import { startSmtpServer } from './smtp-loopback.ts';

describe('email over SMTP through the durable outbox (R5.1, R5.4)', () => {
  let sql: SqlClient;
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  // One database per file (PGlite takes seconds to start); each test has its own notification ids.
  beforeAll(async () => {
    sql = await notificationDatabase();
  });
  afterAll(async () => {
    await sql.close();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(decide?: (raw: string, index: number) => number | undefined) {
    const smtp = await startSmtpServer(decide ? { decide } : {});
    cleanups.push(() => smtp.close());
    const sender = createSmtpSender({
      url: smtp.url,
      from: 'WedSync <notifications@wedsync.example>',
      timeoutMs: 5_000,
    });
    cleanups.push(() => sender.close());
    const done = finishedJobs();
    const worker = new OutboxWorker({
      sql,
      nodeId: 'node-a',
      senders: [sender],
      pollIntervalMs: 20,
      backoff: { baseMs: 10, maxMs: 40 },
      onFinished: done.onFinished,
    });
    cleanups.push(() => worker.close());
    const pump = new NotificationPump({
      sql,
      render: { appUrl: 'https://app.wedsync.example' },
      onEnqueued: () => worker.wake(),
    });
    return { smtp, worker, pump, done };
  }

  it('R5.4 an important notification reaches a real SMTP server as one email with HTML and text bodies', async () => {
    const { smtp, worker, pump, done } = await start();
    const notification = intent({ importance: 'important' });
    await pump.write([{ seq: notification.causeSeq!, intents: [notification] }]);
    worker.start();
    await done.until(1);
    await smtp.waitFor(1);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['sarah@lenslight.example']);
    expect(mail.from).toBe('notifications@wedsync.example');
    expect(mail.raw).toMatch(/^Subject: Form submitted$/m);
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
    const decoded = decodeQuotedPrintable(mail.raw);
    expect(decoded).toContain('Content-Type: text/plain');
    expect(decoded).toContain('Content-Type: text/html');
    expect(decoded).toContain('Emma completed the timeline form');
    expect(decoded).toContain('<a href="https://app.wedsync.example/clients/w-emma-james">Open in WedSync</a>');
    expect(mail.raw.toLowerCase()).toContain(`x-wedsync-idempotency-key: ${notification.id}:email`);

    const [job] = (await new OutboxStore(sql).jobsOfNotification(notification.id)).filter((j) => j.channel === 'email');
    expect(job).toMatchObject({ status: 'sent', attempts: 1, deliveredVia: 'smtp' });
    expect(job!.attemptLog).toMatchObject([{ attempt: 1, nodeId: 'node-a', outcome: 'sent' }]);
  });

  it('R5.4 the SMTP server refuses twice (451) then accepts: exactly one email, three attempts logged', async () => {
    const { smtp, worker, pump, done } = await start((_raw, index) => (index < 2 ? 451 : undefined));
    const notification = intent({ importance: 'important' });
    await pump.write([{ seq: notification.causeSeq!, intents: [notification] }]);
    worker.start();
    await done.until(1);

    expect(smtp.received).toHaveLength(1);
    const [job] = (await new OutboxStore(sql).jobsOfNotification(notification.id)).filter((j) => j.channel === 'email');
    expect(job).toMatchObject({ status: 'sent', attempts: 3 });
    expect(job!.attemptLog.map((attempt) => attempt.outcome)).toEqual(['failed', 'failed', 'sent']);
    expect(job!.attemptLog[0]!.error).toMatch(/451/);
    // Backoff: each retry waited at least half of its exponential step (10 ms, then 20 ms).
    const [first, second, third] = job!.attemptLog;
    expect(second!.startedAtMs - first!.finishedAtMs!).toBeGreaterThanOrEqual(5);
    expect(third!.startedAtMs - second!.finishedAtMs!).toBeGreaterThanOrEqual(10);
    // Running the worker again sends nothing more.
    expect(await worker.runOnce()).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  it('R5.4 a permanent refusal (550) fails the job after one attempt, without retries', async () => {
    const { smtp, worker, pump, done } = await start(() => 550);
    const notification = intent({ importance: 'important' });
    await pump.write([{ seq: notification.causeSeq!, intents: [notification] }]);
    worker.start();
    await done.until(1);
    expect(smtp.received).toHaveLength(0);
    const [job] = (await new OutboxStore(sql).jobsOfNotification(notification.id)).filter((j) => j.channel === 'email');
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job!.attemptLog.map((attempt) => attempt.outcome)).toEqual(['failed']);
  });
});
