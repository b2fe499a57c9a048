/**
 * @wedsync/notifications — routing, durable outbox and senders for notifications (R5, DESIGN §5):
 * a product model produces `NotificationIntent`s; `NotificationPump` routes them by importance and
 * preferences and writes them with their outbox jobs; `OutboxWorker` delivers the jobs through the
 * channel senders (in-app, SMTP, SMS HTTP API, Web Push, or the recording default).
 */
export { JOB_CHANNELS, type JobChannel, type NotificationIntent } from './notification-intent.ts';
export { NOTIFICATION_MIGRATIONS } from './notification-migrations.ts';
export { type BackoffOptions, retryDelayMs } from './outbox/backoff.ts';
export type { AttemptOutcome, JobAttempt, JobStatus, NewJob, OutboxJob } from './outbox/outbox-job.ts';
export { INTERRUPTED_ERROR, OutboxStore } from './outbox/outbox-store.ts';
export { OutboxWorker, type OutboxWorkerOptions } from './outbox/outbox-worker.ts';
export {
  type NotificationPreferences,
  PreferencesError,
  parsePreferences,
} from './preferences/notification-preferences.ts';
export { PreferencesStore } from './preferences/preferences-store.ts';
export {
  type CauseBatch,
  jobsFor,
  NotificationPump,
  type NotificationPumpOptions,
  PumpClosedError,
} from './pump/notification-pump.ts';
export { PushSubscriptionError, PushSubscriptions } from './push/push-subscriptions.ts';
export { loadOrCreateVapidKeys } from './push/vapid-key-file.ts';
export * from './render/message-render.ts';
export {
  type ChannelDecision,
  DEFAULT_CHANNELS,
  type PushTarget,
  routeNotification,
} from './routing/notification-routing.ts';
export { quietHoursEndMs } from './routing/quiet-hours.ts';
export type { ChannelSender, SendResult } from './senders/channel-sender.ts';
export { createInAppSender, type InAppSenderOptions } from './senders/in-app-sender.ts';
export { createRecordingSender } from './senders/recording-sender.ts';
export { createSmsSender, type SmsSenderOptions } from './senders/sms-sender.ts';
export {
  createSmtpMailer,
  createSmtpSender,
  type MailMessage,
  type SmtpSenderOptions,
} from './senders/smtp-sender.ts';
export {
  createWebPushSender,
  generateVapidKeys,
  type VapidKeys,
  type WebPushSenderOptions,
} from './senders/web-push-sender.ts';
