import type { SqlRow } from '@wedsync/storage-postgres';
import type { JobChannel } from '../notification-intent.ts';

export type JobStatus = 'pending' | 'claimed' | 'sending' | 'sent' | 'failed';
export type AttemptOutcome = 'sent' | 'failed' | 'interrupted' | 'gone';

/** One outbox job: one recipient × notification × channel (× push device). */
export interface OutboxJob {
  id: number;
  /** `{notificationId}:{channel}` (push: `…:push:{device hash}`); unique; the provider idempotency key. */
  idempotencyKey: string;
  notificationId: string;
  userId: string;
  channel: JobChannel;
  /** Email address, phone number, push endpoint, or `user:{id}` for in-app. */
  target: string;
  /** The rendered message (see render/message-render.ts), by channel. */
  message: unknown;
  status: JobStatus;
  attempts: number;
  nextAttemptAtMs: number;
  leaseUntilMs?: number;
  claimedBy?: string;
  lastError?: string;
  providerRef?: string;
  deliveredVia?: string;
  createdAtMs: number;
  sentAtMs?: number;
}

export interface JobAttempt {
  jobId: number;
  attempt: number;
  nodeId: string;
  startedAtMs: number;
  finishedAtMs?: number;
  /** Undefined while in flight. */
  outcome?: AttemptOutcome;
  error?: string;
  providerRef?: string;
}

/** A job to enqueue (the store fills status, attempts and times). */
export interface NewJob {
  idempotencyKey: string;
  notificationId: string;
  userId: string;
  channel: JobChannel;
  target: string;
  message: unknown;
  /** Not before this time (quiet hours); default now. */
  notBeforeMs?: number;
}

export const JOB_COLUMNS =
  'id, idempotency_key, notification_id, user_id, channel, target, message, status, attempts, next_attempt_at_ms, lease_until_ms, claimed_by, last_error, provider_ref, delivered_via, created_at_ms, sent_at_ms';

const num = (value: unknown) => Number(value);
const opt = <T>(value: T | null | undefined) => (value === null || value === undefined ? undefined : value);

/** `message` comes back parsed from pg and PGlite alike (jsonb). */
export function toJob(row: SqlRow): OutboxJob {
  const job: OutboxJob = {
    id: num(row.id),
    idempotencyKey: String(row.idempotency_key),
    notificationId: String(row.notification_id),
    userId: String(row.user_id),
    channel: row.channel as JobChannel,
    target: String(row.target),
    message: typeof row.message === 'string' ? JSON.parse(row.message) : row.message,
    status: row.status as JobStatus,
    attempts: num(row.attempts),
    nextAttemptAtMs: num(row.next_attempt_at_ms),
    createdAtMs: num(row.created_at_ms),
  };
  const lease = opt(row.lease_until_ms);
  if (lease !== undefined) job.leaseUntilMs = num(lease);
  const optional = {
    claimedBy: opt(row.claimed_by),
    lastError: opt(row.last_error),
    providerRef: opt(row.provider_ref),
    deliveredVia: opt(row.delivered_via),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) Object.assign(job, { [key]: String(value) });
  const sent = opt(row.sent_at_ms);
  if (sent !== undefined) job.sentAtMs = num(sent);
  return job;
}

export function toAttempt(row: SqlRow): JobAttempt {
  const attempt: JobAttempt = {
    jobId: num(row.job_id),
    attempt: num(row.attempt),
    nodeId: String(row.node_id),
    startedAtMs: num(row.started_at_ms),
  };
  if (opt(row.finished_at_ms) !== undefined) attempt.finishedAtMs = num(row.finished_at_ms);
  if (opt(row.outcome) !== undefined) attempt.outcome = row.outcome as AttemptOutcome;
  if (opt(row.error) !== undefined) attempt.error = String(row.error);
  if (opt(row.provider_ref) !== undefined) attempt.providerRef = String(row.provider_ref);
  return attempt;
}
