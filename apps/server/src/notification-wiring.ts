import type { Agent } from 'node:https';
import {
  type CauseBatch,
  type ChannelSender,
  createInAppSender,
  createRecordingSender,
  createSmsSender,
  createSmtpSender,
  createWebPushSender,
  loadOrCreateVapidKeys,
  NOTIFICATION_MIGRATIONS,
  type NotificationIntent,
  NotificationPump,
  type OutboxJob,
  OutboxWorker,
  PushSubscriptions,
  type SendResult,
  type VapidKeys,
} from '@wedsync/notifications';
import { buildUserTopic, NOTIFICATION_TOAST_EVENT } from '@wedsync/protocol';
import type { RealtimeServer, RecordSync } from '@wedsync/server';
import { runMigrations, type SqlStorage } from '@wedsync/storage-postgres';
import {
  bellRecordCommit,
  contactOf,
  dueMeetingReminders,
  notificationsOfVersion,
  type WeddingModel,
} from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from './app-config.ts';
import { registerNotificationRoutes } from './notification-routes.ts';

/** Bus subject: "the outbox has new jobs" — every node's worker looks at once instead of at its next poll. */
const WAKE_SUBJECT = 'notifications:wake';
const SYSTEM_ACTOR = { userId: 'system', name: 'WedSync' };

export interface NotificationWiringOptions {
  config: AppConfig;
  app: FastifyInstance;
  realtime: RealtimeServer;
  sync: RecordSync;
  storage: SqlStorage;
  model: WeddingModel;
  logger: Logger;
  jwtSecret?: string;
  /**
   * How often this node looks for due meeting reminders (R9.1); default 30 000 ms; 0 = this node never
   * scans on its own (tests call `scanReminders`). Every node scans; each reminder is written once by id.
   */
  reminderScanIntervalMs?: number;
  /** Default 30 minutes before the start. */
  reminderLeadMs?: number;
  /** Outbox safety poll; default 1 000 ms. */
  workerPollIntervalMs?: number;
  /** HTTPS agent for push service requests (tests: a private CA). */
  pushAgent?: Agent;
  nowMs?: () => number;
}

export interface NotificationService {
  readonly pump: NotificationPump;
  readonly worker: OutboxWorker;
  readonly vapidPublicKey: string;
  /** Writes the meeting reminders due now (the timer does this every `reminderScanIntervalMs`). */
  scanReminders(): Promise<void>;
  /**
   * Routes, stores and delivers notifications produced outside the triggers and the reminder scan:
   * written once per id, the contact filled from the Directory when absent.
   */
  notify(intents: readonly NotificationIntent[]): Promise<void>;
  /**
   * Resolves once the reminders and `notify` calls queued so far are written (tests). Notifications of
   * changes need no waiting: they are committed with their change.
   */
  settled(): Promise<void>;
  /** Called after each job's final outcome on this node (sent, or failed for good); returns the unsubscribe. */
  onJobFinished(listener: (job: OutboxJob, result: SendResult) => void): () => void;
  close(): Promise<void>;
}

/**
 * Notifications in the app (issue 7, R5, R3.2, R9.1): the outbox tables, the senders chosen by
 * configuration (SMTP / SMS API / Web Push, else recorded), a worker per node, the triggers, meeting
 * reminders, and the HTTP API.
 *
 * Triggers run INSIDE the transaction that commits their cause (issue 7 item 1): the storage's
 * `withinCommit` hook gets every version a commit, group commit or rollback writes — client mutations,
 * `RecordSync.commit`, journeys, rollbacks alike — decides its notifications against this node's
 * Directory and writes them with their outbox jobs through `NotificationPump.writeIn` with the same
 * `tx`. So a change and its notifications commit together or not at all: nothing to replay after a
 * crash, no cursor, and the rows exist when the change's ack is sent. After COMMIT the hook wakes the
 * worker here and, over the bus, on every node (a lost wake is covered by the worker's poll).
 * Failure policy: deciding the notifications is pure code over the Directory — a bug there is reported
 * and that version's notifications are skipped, so a trigger bug never blocks writes; writing them is
 * SQL in the cause's transaction — a database error fails the cause with it (atomic; the commit queue
 * retries a group's requests one by one, so only the culprit fails, and its client retries).
 * Meeting reminders have no cause in the log: they are written by the pump in transactions of their own.
 */
export async function wireNotifications(options: NotificationWiringOptions): Promise<NotificationService> {
  const { config, realtime, sync, storage, model, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  const onError = (error: unknown, context: string) => logger.error({ err: error }, `notifications: ${context}`);
  await runMigrations(storage.sql, [NOTIFICATION_MIGRATIONS]);
  const vapid: VapidKeys =
    config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
      ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY }
      : await loadOrCreateVapidKeys(config.DATA_DIR);
  const push = new PushSubscriptions(storage.sql);
  const finishedListeners = new Set<(job: OutboxJob, result: SendResult) => void>();
  const { senders, close: closeSenders } = buildSenders(options, vapid);
  const worker = new OutboxWorker({
    sql: storage.sql,
    nodeId: realtime.nodeId,
    senders,
    pollIntervalMs: options.workerPollIntervalMs ?? 1_000,
    nowMs,
    onError,
    onFinished: async (job, result) => {
      if (job.channel === 'push' && !result.ok && result.gone) await push.removeGone(job.target);
      for (const listener of finishedListeners) listener(job, result);
    },
  });
  const unsubscribeWake = await realtime.bus.subscribe(WAKE_SUBJECT, () => worker.wake());
  const wakeWorkers = () => {
    worker.wake();
    realtime.bus.publish(WAKE_SUBJECT, '').catch((error) => onError(error, 'wake'));
  };
  const pump = new NotificationPump({
    sql: storage.sql,
    render: { appUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}` },
    nowMs,
    onError,
    onEnqueued: wakeWorkers,
  });

  const removeTriggers = storage.addWithinCommit(async (tx, written) => {
    const batches: CauseBatch[] = [];
    for (const version of written) {
      const { change } = version;
      try {
        const intents = notificationsOfVersion(model.directory, version);
        if (intents.length > 0) batches.push({ seq: change.seq, intents });
      } catch (error) {
        onError(error, `triggers of ${change.c}/${change.id} v${change.v} (seq ${change.seq}) failed; none written`);
      }
    }
    if (batches.length === 0) return undefined;
    return (await pump.writeIn(tx, batches)) > 0 ? wakeWorkers : undefined;
  });

  const leadMs = options.reminderLeadMs;
  const written = new Set<string>();
  const scanReminders = async () => {
    const due = dueMeetingReminders(model.directory, { nowMs: nowMs(), ...(leadMs ? { leadMs } : {}) }).filter(
      (reminder) => !written.has(reminder.id),
    );
    if (due.length === 0) return;
    await pump.enqueue(() => [{ intents: due }]);
    if (written.size > 10_000) written.clear();
    for (const reminder of due) written.add(reminder.id);
  };
  const scanEveryMs = options.reminderScanIntervalMs ?? 30_000;
  const reminderTimer =
    scanEveryMs > 0
      ? setInterval(() => void scanReminders().catch((error) => onError(error, 'reminders')), scanEveryMs)
      : undefined;
  reminderTimer?.unref();

  registerNotificationRoutes(options.app, {
    sql: storage.sql,
    storage,
    sync,
    vapidPublicKey: vapid.publicKey,
    jwtSecret: options.jwtSecret,
    jwksUrl: config.JWKS_URL,
    nowMs,
  });
  worker.start();
  logger.info(
    {
      email: config.SMTP_URL ? 'smtp' : 'recorded',
      sms: config.SMS_API_URL ? 'sms-http' : 'recorded',
      push: 'web-push',
    },
    'notifications ready',
  );

  return {
    pump,
    worker,
    vapidPublicKey: vapid.publicKey,
    scanReminders,
    async notify(intents) {
      const filled = intents.map((intent) =>
        intent.contact ? intent : { ...intent, contact: contactOf(model.directory, intent.userId) },
      );
      if (filled.length > 0) await pump.enqueue(() => [{ intents: filled }]);
    },
    settled: () => pump.idle(),
    onJobFinished(listener) {
      finishedListeners.add(listener);
      return () => finishedListeners.delete(listener);
    },
    async close() {
      clearInterval(reminderTimer);
      removeTriggers();
      // Writes the reminders and notify() calls queued; a reminder still failing is written by the next scan.
      await pump.close();
      await unsubscribeWake().catch((error) => onError(error, 'close'));
      await worker.close();
      closeSenders();
    },
  };
}

/** The channel senders this configuration asks for; the embedded default records email and SMS. */
function buildSenders(
  options: NotificationWiringOptions,
  vapid: VapidKeys,
): { senders: ChannelSender[]; close(): void } {
  const { config, sync, realtime } = options;
  const inApp = createInAppSender({
    async commitBell(notification) {
      const { scope, mutation } = bellRecordCommit(notification);
      // A client id of its own with mid 1: committing it again (retry, another node) is a `duplicate`.
      await sync.commit({ clientId: `notify-${notification.id}`, actor: SYSTEM_ACTOR, scope, mutations: [mutation] });
    },
    toast: (userId, toast) => realtime.publishToTopic(buildUserTopic(userId), NOTIFICATION_TOAST_EVENT, toast),
  });
  const smtp = config.SMTP_URL ? createSmtpSender({ url: config.SMTP_URL, from: config.SMTP_FROM }) : undefined;
  const sms =
    config.SMS_API_URL && config.SMS_ACCOUNT_SID && config.SMS_AUTH_TOKEN && config.SMS_FROM
      ? createSmsSender({
          apiUrl: config.SMS_API_URL,
          accountSid: config.SMS_ACCOUNT_SID,
          authToken: config.SMS_AUTH_TOKEN,
          from: config.SMS_FROM,
        })
      : createRecordingSender('sms');
  const webPush = createWebPushSender({
    vapid,
    subject: config.VAPID_SUBJECT,
    ...(options.pushAgent ? { agent: options.pushAgent } : {}),
  });
  return {
    senders: [inApp, smtp ?? createRecordingSender('email'), sms, webPush],
    close: () => smtp?.close(),
  };
}
