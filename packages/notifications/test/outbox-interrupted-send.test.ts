import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SqlClient } from '@wedsync/storage-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { OutboxWorker } from '../src/outbox/outbox-worker.ts';
import { PreferencesStore } from '../src/preferences/preferences-store.ts';
import { NotificationPump } from '../src/pump/notification-pump.ts';
import type { ChannelSender } from '../src/senders/channel-sender.ts';
import { createSmsSender } from '../src/senders/sms-sender.ts';
import { createSmtpSender } from '../src/senders/smtp-sender.ts';
import { intent, notificationDatabase } from './notification-fixture.ts';
import { startSmtpServer } from './smtp-loopback.ts';

const LEASE_MS = 60_000;

/**
 * The crash window R5.4 talks about: the provider got the message, the worker died before recording
 * it. Simulated exactly: claim + "sending" recorded + the real send, then nothing (the worker is gone).
 * Another worker, once the lease ran out (injected clock), takes the job over.
 */
describe('R5.4 a crash between send and record', () => {
  let sql: SqlClient;
  let clockMs = Date.UTC(2026, 0, 15, 12, 0, 0);
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  beforeAll(async () => {
    sql = await notificationDatabase();
  });
  afterAll(async () => {
    await sql.close();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function crashAfterSend(sender: ChannelSender, notificationId: string) {
    const store = new OutboxStore(sql);
    const pump = new NotificationPump({ sql, render: { appUrl: 'https://app.example' }, nowMs: () => clockMs });
    // Only the channel under test leaves: the other external channel is switched off for this person.
    const userId = `u-${sender.channel}`;
    await new PreferencesStore(sql).put(
      userId,
      { channels: { email: sender.channel === 'email', sms: sender.channel === 'sms' } },
      clockMs,
    );
    await pump.write([
      { intents: [intent({ id: notificationId, userId, importance: 'critical', causeSeq: undefined })] },
    ]);
    const [job] = await store.claim({
      nodeId: 'dead',
      channels: [sender.channel],
      limit: 1,
      nowMs: clockMs,
      leaseMs: LEASE_MS,
    });
    expect(await store.beginAttempt(job!, 'dead', clockMs, LEASE_MS)).toBe(1);
    expect((await sender.send(job!)).ok).toBe(true);
    clockMs += LEASE_MS + 1;
    const worker = new OutboxWorker({
      sql,
      nodeId: 'alive',
      senders: [sender],
      nowMs: () => clockMs,
      leaseMs: LEASE_MS,
    });
    expect(await worker.runOnce()).toBe(1);
    const [after] = (await store.jobsOfNotification(notificationId)).filter((j) => j.channel === sender.channel);
    return after!;
  }

  it('R5.4 SMS: resent with the same Idempotency-Key, the provider keeps one message; the log shows the interruption', async () => {
    const byKey = new Map<string, number>();
    const server = createServer((request, response) => {
      const key = String(request.headers['idempotency-key']);
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
      request.resume();
      request.on('end', () => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ sid: `SM-${key}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Messages.json`;
    const sender = createSmsSender({ apiUrl, accountSid: 'AC1', authToken: 't', from: '+15005550006' });

    const job = await crashAfterSend(sender, 'meeting_reminder:m1:1:u-sarah');
    expect(job.status).toBe('sent');
    expect(job.attemptLog.map((a) => [a.nodeId, a.outcome])).toEqual([
      ['dead', 'interrupted'],
      ['alive', 'sent'],
    ]);
    expect(job.attemptLog[0]!.error).toMatch(/unknown/);
    // Two requests, one idempotency key: a provider honouring it (Twilio does) delivers one SMS.
    expect([...byKey.entries()]).toEqual([[job.idempotencyKey, 2]]);
  });

  it('R5.4 SMTP has no idempotency key: the resend is a second copy with the same Message-ID, visible in the log', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const sender = createSmtpSender({ url: smtp.url, from: 'n@wedsync.example' });
    cleanups.push(() => sender.close());

    const job = await crashAfterSend(sender, 'payment_received:77:u-sarah');
    expect(job.status).toBe('sent');
    expect(job.attemptLog.map((a) => a.outcome)).toEqual(['interrupted', 'sent']);
    expect(smtp.received).toHaveLength(2);
    const ids = smtp.received.map((mail) => /^Message-ID:\s*(<[^>]+>)/im.exec(mail.raw)?.[1]);
    expect(ids[0]).toBe((job.message as { messageId: string }).messageId);
    expect(ids[1]).toBe(ids[0]);
  });
});
