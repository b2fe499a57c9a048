import type { SqlClient } from '@wedsync/storage-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { OutboxWorker } from '../src/outbox/outbox-worker.ts';
import { NotificationPump } from '../src/pump/notification-pump.ts';
import { PushSubscriptions } from '../src/push/push-subscriptions.ts';
import { createWebPushSender, generateVapidKeys } from '../src/senders/web-push-sender.ts';
import { finishedJobs, intent, notificationDatabase } from './notification-fixture.ts';
import { createDevice, startPushService, verifyVapid } from './web-push-receiver.ts';

describe('push through the Web Push protocol (R5.1, R5.4)', () => {
  let sql: SqlClient;
  const vapid = generateVapidKeys();
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

  async function world(status?: (path: string) => number) {
    const service = await startPushService(status);
    cleanups.push(() => service.close());
    const subscriptions = new PushSubscriptions(sql);
    const done = finishedJobs();
    const worker = new OutboxWorker({
      sql,
      nodeId: 'node-a',
      senders: [createWebPushSender({ vapid, subject: 'mailto:ops@wedsync.example', agent: service.agent })],
      pollIntervalMs: 20,
      onFinished: async (job, result) => {
        if (!result.ok && result.gone) await subscriptions.removeGone(job.target);
        done.onFinished(job, result);
      },
    });
    cleanups.push(() => worker.close());
    const pump = new NotificationPump({ sql, render: { appUrl: 'https://app.wedsync.example' } });
    return { service, subscriptions, done, worker, pump };
  }

  it('R5.4 each subscribed device gets an aes128gcm message with VAPID auth that decrypts to the notification', async () => {
    const { service, subscriptions, done, worker, pump } = await world();
    const phone = createDevice();
    const laptop = createDevice();
    await subscriptions.add('u-bob', { endpoint: `${service.origin}/push/phone`, keys: phone.keys }, 1);
    await subscriptions.add('u-bob', { endpoint: `${service.origin}/push/laptop`, keys: laptop.keys }, 2);
    const notification = intent({
      userId: 'u-bob',
      trigger: 'team_mention',
      importance: 'normal',
      title: 'Sarah mentioned you',
    });
    await pump.write([{ seq: notification.causeSeq!, intents: [notification] }]);
    worker.start();
    await done.until(2);
    await service.waitFor(2);

    expect(service.requests.map((request) => request.path).sort()).toEqual(['/push/laptop', '/push/phone']);
    for (const request of service.requests) {
      const device = request.path === '/push/phone' ? phone : laptop;
      expect(request.headers['content-encoding']).toBe('aes128gcm');
      expect(request.headers.ttl).toBe('86400');
      expect(request.headers.urgency).toBe('normal');
      expect(request.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const claims = verifyVapid(request.headers.authorization, service.origin);
      expect(claims).toMatchObject({ sub: 'mailto:ops@wedsync.example', publicKey: vapid.publicKey });
      expect(Number(claims.exp) * 1000).toBeGreaterThan(Date.now());
      expect(JSON.parse(device.decrypt(request.body))).toEqual({
        id: notification.id,
        trigger: 'team_mention',
        importance: 'normal',
        title: 'Sarah mentioned you',
        body: notification.body,
        link: notification.link,
        createdAt: new Date(notification.createdAtMs).toISOString(),
      });
    }
    const jobs = (await new OutboxStore(sql).jobsOfNotification(notification.id)).filter(
      (job) => job.channel === 'push',
    );
    expect(jobs.map((job) => [job.status, job.deliveredVia])).toEqual([
      ['sent', 'web-push'],
      ['sent', 'web-push'],
    ]);
  });

  it('R5.4 a device the push service reports gone (410) is not retried and its subscription is removed', async () => {
    const { service, subscriptions, done, worker, pump } = await world((path) => (path === '/push/old' ? 410 : 201));
    await subscriptions.add('u-liam', { endpoint: `${service.origin}/push/old`, keys: createDevice().keys }, 1);
    const notification = intent({ userId: 'u-liam', importance: 'normal' });
    await pump.write([{ seq: notification.causeSeq!, intents: [notification] }]);
    worker.start();
    await done.until(1);
    const [job] = (await new OutboxStore(sql).jobsOfNotification(notification.id)).filter((j) => j.channel === 'push');
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job!.attemptLog.map((attempt) => attempt.outcome)).toEqual(['gone']);
    expect(await subscriptions.of('u-liam')).toEqual([]);
  });
});
