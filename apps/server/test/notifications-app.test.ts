import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxJob } from '@wedsync/notifications';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../../../packages/notifications/test/smtp-loopback.ts';
import { createDevice, startPushService, verifyVapid } from '../../../packages/notifications/test/web-push-receiver.ts';
import { loadAppConfig } from '../src/app-config.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { connectDevice, type Device, login } from './notification-devices.ts';

type Job = OutboxJob & { attemptLog: { outcome?: string }[] };

// Issue 7 end to end on the embedded default (PGlite), with a real SMTP server on loopback and no SMS
// provider (so SMS are recorded): triggers → notification records → toasts on every device, bell state
// synced across devices, email through SMTP, the outbox visible over HTTP.
describe('notifications in the app (R5.1–R5.4, R9.1)', () => {
  let dataDir: string;
  let server: AppServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let pushService: Awaited<ReturnType<typeof startPushService>>;
  const devices: Device[] = [];
  const sessions = new Map<string, { token: string; userId: string }>();
  const session = async (email: string) => {
    let found = sessions.get(email);
    if (!found) {
      found = await login(server.url, email);
      sessions.set(email, found);
    }
    return found;
  };
  const device = async (email: string, topic?: string) => {
    const who = await session(email);
    const opened = await connectDevice(server.url, who, topic ?? `user:${who.userId}`);
    devices.push(opened);
    return opened;
  };
  const api = async (email: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${(await session(email)).token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const outbox = async (email: string) => (await api(email, '/api/notifications/outbox')).body.jobs as Job[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-notify-'));
    smtp = await startSmtpServer();
    pushService = await startPushService();
    server = await startAppServer(
      loadAppConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        SMTP_URL: smtp.url,
        SMTP_FROM: 'WedSync <notifications@wedsync.example>',
        PUBLIC_URL: 'https://app.wedsync.example',
      }),
      { pushAgent: pushService.agent },
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(devices.map((opened) => opened.close()));
    await server?.close();
    await smtp?.close();
    await pushService?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('R5.3 scenario 7: a form submission reaches both of Sarah’s devices as a toast and a bell entry; read on one is read on the other', async () => {
    const laptop = await device('sarah@lenslight.example');
    const phone = await device('sarah@lenslight.example');
    const emma = await device('emma@wedme.example', 'wedding:w-emma-james');
    await emma.until(
      () => emma.store.record('form_assignments', 'a-emma-questionnaire') !== undefined,
      'the assignment',
    );
    emma.store.set('form_assignments', 'a-emma-questionnaire', 'status', 'submitted');

    const isSubmission = (toast: { trigger: string }) => toast.trigger === 'form_submitted';
    const [onLaptop, onPhone] = await Promise.all([laptop.toast(isSubmission), phone.toast(isSubmission)]);
    expect(onLaptop).toEqual(onPhone);
    expect(onLaptop).toMatchObject({
      importance: 'important',
      title: 'Form submitted: Photography questionnaire',
      body: 'Emma (Emma & James) completed “Photography questionnaire”',
      link: '/supplier',
    });
    const id = onLaptop.id;
    await laptop.until(() => laptop.store.record('notifications', id) !== undefined, 'the bell record on the laptop');
    await phone.until(() => phone.store.record('notifications', id) !== undefined, 'the bell record on the phone');
    expect(laptop.unread()).toBe(1);
    expect(phone.unread()).toBe(1);

    laptop.store.set('notifications', id, 'readAtMs', Date.now());
    await phone.until(() => phone.unread() === 0, 'the phone badge to clear');
    expect(phone.store.record('notifications', id)?.fields.readAtMs).toEqual(expect.any(Number));
    laptop.store.set('notifications', id, 'readAtMs', null);
    await phone.until(() => phone.unread() === 1, 'unread again on the phone');
  });

  it('R5.1 R5.4 the same submission left as email through SMTP to the whole team, visible in the outbox', async () => {
    await smtp.waitFor(3);
    expect(smtp.received.map((mail) => mail.to[0]).sort()).toEqual([
      'bob@lenslight.example',
      'sarah@lenslight.example',
      'vera@lenslight.example',
    ]);
    expect(smtp.received[0]!.raw).toMatch(/^Subject: Form submitted: Photography questionnaire$/m);
    const jobs = (await outbox('sarah@lenslight.example')).filter((job) =>
      job.notificationId.startsWith('form_submitted:'),
    );
    expect(jobs.map((job) => [job.channel, job.status, job.deliveredVia]).sort()).toEqual([
      ['email', 'sent', 'smtp'],
      ['inapp', 'sent', 'inapp'],
    ]);
    const email = jobs.find((job) => job.channel === 'email')!;
    expect(email.attemptLog.map((attempt) => attempt.outcome)).toEqual(['sent']);
    expect((email.message as { text: string }).text).toContain('https://app.wedsync.example/supplier');
  });

  it('R5.2 preferences override per trigger and channel: Bob turns client-message email off, Sarah keeps it', async () => {
    const put = await api('bob@lenslight.example', '/api/notifications/preferences', {
      method: 'PUT',
      body: { triggers: { client_message: { email: false } } },
    });
    expect(put.status).toBe(200);
    const bad = await api('bob@lenslight.example', '/api/notifications/preferences', {
      method: 'PUT',
      body: { channels: { fax: true } },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });

    const sarah = devices[0]!;
    const emma = devices[2]!;
    emma.store.create('messages', 'msg-notify-1', {
      weddingId: 'w-emma-james',
      supplierId: 'lenslight',
      senderId: 'u-emma',
      fromCouple: true,
      body: 'Could you also shoot the rehearsal dinner?',
      sentAtMs: Date.now(),
    });
    const toast = await sarah.toast((t) => t.trigger === 'client_message');
    expect(toast).toMatchObject({
      title: 'New message from Emma (Emma & James)',
      body: 'Could you also shoot the rehearsal dinner?',
    });
    const cause = toast.id.split(':')[1];
    const bobJobs = (await outbox('bob@lenslight.example')).filter(
      (job) => job.notificationId === `client_message:${cause}:u-bob`,
    );
    expect(bobJobs.map((job) => job.channel)).toEqual(['inapp']);
    const sarahJobs = (await outbox('sarah@lenslight.example')).filter((job) => job.notificationId === toast.id);
    expect(sarahJobs.map((job) => job.channel).sort()).toEqual(['email', 'inapp']);
  });

  it('R5.3 the bell over HTTP: unread count, mark all read, clear all', async () => {
    const bob = await device('bob@lenslight.example');
    await bob.until(() => bob.store.query('notifications').length >= 2, 'Bob’s notifications');
    const before = await api('bob@lenslight.example', '/api/notifications');
    expect(before.body.unread).toBe(2);
    expect((before.body.notifications as { trigger: string }[]).map((n) => n.trigger)).toEqual([
      'client_message',
      'form_submitted',
    ]);
    expect(
      (await api('bob@lenslight.example', '/api/notifications/read', { method: 'POST', body: { read: true } })).body,
    ).toEqual({ updated: 2 });
    await bob.until(() => bob.unread() === 0, 'read on Bob’s device');
    expect((await api('bob@lenslight.example', '/api/notifications')).body.unread).toBe(0);
    expect((await api('bob@lenslight.example', '/api/notifications/clear', { method: 'POST' })).body).toEqual({
      cleared: 2,
    });
    await bob.until(() => bob.store.query('notifications').length === 0, 'cleared on Bob’s device');
    expect((await api('bob@lenslight.example', '/api/notifications')).body).toEqual({ notifications: [], unread: 0 });
  });

  it('R5.2 R10.1 a mention typed into a note notifies the member once, from the full body its commit writes', async () => {
    const sarah = await device('sarah@lenslight.example', 'wedding:w-emma-james');
    const bobBell = await device('bob@lenslight.example');
    const veraDone = new Promise<OutboxJob>((resolve) => {
      const off = server.notifications.onJobFinished((job) => {
        if (job.channel === 'inapp' && job.userId === 'u-vera' && job.notificationId.startsWith('team_mention:')) {
          off();
          resolve(job);
        }
      });
    });
    sarah.store.create('notes', 'note-notify-1', {
      weddingId: 'w-emma-james',
      supplierId: 'lenslight',
      title: 'Shot list',
    });
    sarah.store.editText('notes', 'note-notify-1', 'body', 'Ask @Bob about lenses');
    const toast = await bobBell.toast((t) => t.trigger === 'team_mention');
    expect(toast).toMatchObject({ title: 'Sarah mentioned you in a note' });
    expect(toast.body).toMatch(/^“Shot list” \(Emma & James\): Ask @Bob about lenses/);
    // Bob is mentioned again in the same note, Vera for the first time: only Vera is told.
    sarah.store.editText('notes', 'note-notify-1', 'body', 'Ask @Bob about lenses and @Vera about drones');
    await veraDone;
    await server.notifications.settled();
    const bobMentions = (await outbox('bob@lenslight.example')).filter((job) =>
      job.notificationId.startsWith('team_mention:'),
    );
    expect(new Set(bobMentions.map((job) => job.notificationId))).toEqual(new Set([toast.id]));
  });

  it('R5.1 R5.4 push: a device subscribed over the API gets the notification encrypted for it, signed with the VAPID keys kept in DATA_DIR', async () => {
    const stored = JSON.parse(await readFile(join(dataDir, 'vapid-keys.json'), 'utf8')) as { publicKey: string };
    const key = await fetch(`${server.url}/api/notifications/push/key`);
    expect(await key.json()).toEqual({ publicKey: stored.publicKey });
    const phone = createDevice();
    const endpoint = `${pushService.origin}/push/vera-phone`;
    const subscribed = await api('vera@lenslight.example', '/api/notifications/push/subscriptions', {
      method: 'POST',
      body: { endpoint, keys: phone.keys },
    });
    expect(subscribed).toEqual({ status: 201, body: { endpoint } });

    const emma = devices[2]!;
    emma.store.create('messages', 'msg-notify-push', {
      weddingId: 'w-emma-james',
      supplierId: 'lenslight',
      senderId: 'u-emma',
      fromCouple: true,
      body: 'Is the drone shot still on?',
      sentAtMs: Date.now(),
    });
    await pushService.waitFor(1);
    const request = pushService.requests.find((one) => one.path === '/push/vera-phone')!;
    expect(request.headers['content-encoding']).toBe('aes128gcm');
    expect(verifyVapid(request.headers.authorization, pushService.origin)).toMatchObject({
      publicKey: stored.publicKey,
    });
    expect(JSON.parse(phone.decrypt(request.body))).toMatchObject({
      trigger: 'client_message',
      importance: 'important',
      title: 'New message from Emma (Emma & James)',
      body: 'Is the drone shot still on?',
    });
  });

  it('R2.2 R5.3 nobody joins another person’s user topic', async () => {
    const bob = await session('bob@lenslight.example');
    await expect(connectDevice(server.url, bob, 'user:u-sarah')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('R9.1 R5.1 a meeting reminder goes once to each attendee: critical, so email through SMTP and SMS recorded', async () => {
    const sarah = await device('sarah@lenslight.example', 'wedding:w-emma-james');
    const emmaBell = await device('emma@wedme.example');
    sarah.store.create('meetings', 'mt-notify-soon', {
      weddingId: 'w-emma-james',
      supplierId: 'lenslight',
      title: 'Quick call',
      startAtMs: Date.now() + 10 * 60_000,
      status: 'scheduled',
      attendees: [
        { id: 'u-sarah', v: { userId: 'u-sarah' } },
        { id: 'u-emma', v: { userId: 'u-emma' } },
      ],
    });
    await emmaBell.toast((t) => t.trigger === 'meeting_booked');
    const smsDone = new Promise<OutboxJob>((resolve) => {
      const off = server.notifications.onJobFinished((job) => {
        if (job.channel === 'sms' && job.userId === 'u-emma') {
          off();
          resolve(job);
        }
      });
    });
    await server.notifications.scanReminders();
    await server.notifications.scanReminders();
    const reminder = await emmaBell.toast((t) => t.trigger === 'meeting_reminder');
    expect(reminder).toMatchObject({ importance: 'critical', title: 'Starting soon: Quick call' });
    expect((await smsDone).notificationId).toBe(reminder.id);
    const jobs = (await outbox('emma@wedme.example')).filter((job) => job.notificationId === reminder.id);
    expect(jobs.map((job) => job.channel).sort()).toEqual(['email', 'inapp', 'sms']);
    const sms = jobs.find((job) => job.channel === 'sms')!;
    // No SMS provider configured: the embedded default records what would have been sent.
    expect(sms).toMatchObject({
      status: 'sent',
      deliveredVia: 'recorded',
      target: '+447700900123',
      message: { to: '+447700900123' },
    });
    expect((sms.message as { body: string }).body).toMatch(
      /^WedSync: Starting soon: Quick call — “Quick call” starts at/,
    );
    const sarahReminders = (await outbox('sarah@lenslight.example')).filter((job) =>
      job.notificationId.startsWith('meeting_reminder:mt-notify-soon:'),
    );
    expect(new Set(sarahReminders.map((job) => job.notificationId)).size).toBe(1);
  });
  it('R9.1 R5.4 notifications produced outside the triggers go through notify(): once per id, contact filled in', async () => {
    const reminder = {
      id: `meeting_reminder:mt-external:${Date.now() + 3_600_000}:u-liam`,
      userId: 'u-liam',
      trigger: 'meeting_reminder' as const,
      importance: 'critical' as const,
      title: 'Reminder: Site visit',
      body: 'Site visit starts in an hour',
      link: '/supplier/calendar',
      createdAtMs: Date.now(),
    };
    const emailed = new Promise<OutboxJob>((resolve) => {
      const off = server.notifications.onJobFinished((job) => {
        if (job.notificationId === reminder.id && job.channel === 'email') {
          off();
          resolve(job);
        }
      });
    });
    await server.notifications.notify([reminder]);
    await server.notifications.notify([reminder]);
    expect((await emailed).target).toBe('liam@oakwood.example');
    const jobs = (await outbox('liam@oakwood.example')).filter((job) => job.notificationId === reminder.id);
    // Liam has no phone number: SMS has no target; email and in-app once each.
    expect(jobs.map((job) => job.channel).sort()).toEqual(['email', 'inapp']);
  });
});
