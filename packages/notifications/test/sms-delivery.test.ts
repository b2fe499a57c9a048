import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SqlClient } from '@wedsync/storage-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { OutboxWorker } from '../src/outbox/outbox-worker.ts';
import { NotificationPump } from '../src/pump/notification-pump.ts';
import { createSmsSender } from '../src/senders/sms-sender.ts';
import { finishedJobs, intent, notificationDatabase } from './notification-fixture.ts';

interface SmsRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

/** A Twilio-shaped provider on loopback: answers with the scripted statuses, then 201 `{sid}`. */
async function startSmsProvider(statuses: number[] = []) {
  const requests: SmsRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, form });
      const status = statuses.shift() ?? 201;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status < 300 ? { sid: `SM${requests.length}` } : { message: 'scripted failure' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMS through a Twilio-compatible HTTP API (R5.1, R5.4)', () => {
  let sql: SqlClient;
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

  async function deliver(statuses: number[], expectedFinished = 1) {
    const provider = await startSmsProvider(statuses);
    cleanups.push(() => provider.close());
    const done = finishedJobs();
    const worker = new OutboxWorker({
      sql,
      nodeId: 'node-a',
      senders: [
        createSmsSender({
          apiUrl: provider.apiUrl,
          accountSid: 'AC123',
          authToken: 'secret-token',
          from: '+15005550006',
        }),
      ],
      pollIntervalMs: 20,
      backoff: { baseMs: 10, maxMs: 40 },
      onFinished: done.onFinished,
    });
    cleanups.push(() => worker.close());
    const pump = new NotificationPump({ sql, render: { appUrl: 'https://app.wedsync.example' } });
    const notification = intent({
      trigger: 'meeting_reminder',
      importance: 'critical',
      title: 'Meeting in 30 minutes',
    });
    await pump.write([{ intents: [notification] }]);
    worker.start();
    await done.until(expectedFinished);
    const [job] = (await new OutboxStore(sql).jobsOfNotification(notification.id)).filter((j) => j.channel === 'sms');
    return { provider, notification, job: job! };
  }

  it('R5.4 a critical notification is one POST with the form body To/From/Body, basic auth and an Idempotency-Key', async () => {
    const { provider, notification, job } = await deliver([]);
    expect(provider.requests).toHaveLength(1);
    const request = provider.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('AC123:secret-token').toString('base64')}`);
    expect(request.headers['idempotency-key']).toBe(`${notification.id}:sms`);
    expect(request.form).toEqual({
      To: '+447700900123',
      From: '+15005550006',
      Body: 'WedSync: Meeting in 30 minutes — Emma completed the timeline form',
    });
    expect(job).toMatchObject({ status: 'sent', attempts: 1, providerRef: 'SM1', deliveredVia: 'sms-http' });
  });

  it('R5.4 a 503 is retried with the same Idempotency-Key (the provider dedupes a resend)', async () => {
    const { provider, job } = await deliver([503]);
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[0]!.headers['idempotency-key']).toBe(provider.requests[1]!.headers['idempotency-key']);
    expect(job.attemptLog.map((attempt) => attempt.outcome)).toEqual(['failed', 'sent']);
    expect(job.attemptLog[0]!.error).toMatch(/503/);
  });

  it('R5.4 a 400 (bad number) fails the job at once, without retries', async () => {
    const { provider, job } = await deliver([400]);
    expect(provider.requests).toHaveLength(1);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
