-- Notifications (R5): what was decided for whom, and the durable outbox that delivers it (R5.4).
-- Every statement is idempotent; the runner records this file in sync_migrations.

-- The trigger cursor: every followed change with seq <= this has had its notifications written.
-- Advanced in the same transaction as the notifications it produced (exactly once, several nodes).
CREATE TABLE IF NOT EXISTS notify_cursor (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL
);

-- One row per notification per recipient. `id` is deterministic (derived from the cause's seq, or
-- for reminders from the meeting and its start), so writing the same cause twice is a no-op.
-- `plan` records the routing decision per channel (sent, held by quiet hours, off by preference…).
CREATE TABLE IF NOT EXISTS notify_notifications (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  trigger text NOT NULL,
  importance text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  link text,
  cause_seq bigint,
  created_at_ms bigint NOT NULL,
  plan jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS notify_notifications_user ON notify_notifications (user_id, created_at_ms);

-- The outbox: one job per recipient x notification x channel (x push device). `idempotency_key` is
-- unique, so a job is never enqueued twice; it is also the provider idempotency key where one exists.
-- status: pending -> claimed (lease) -> sending (attempt recorded before the send) -> sent | pending
-- (retry at next_attempt_at_ms) | failed. A claimed/sending job whose lease ran out is claimable again.
CREATE TABLE IF NOT EXISTS notify_jobs (
  id bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  notification_id text NOT NULL,
  user_id text NOT NULL,
  channel text NOT NULL,
  target text NOT NULL,
  message jsonb NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at_ms bigint NOT NULL,
  lease_until_ms bigint,
  claimed_by text,
  last_error text,
  provider_ref text,
  delivered_via text,
  created_at_ms bigint NOT NULL,
  sent_at_ms bigint
);
CREATE INDEX IF NOT EXISTS notify_jobs_due ON notify_jobs (status, next_attempt_at_ms);
CREATE INDEX IF NOT EXISTS notify_jobs_lease ON notify_jobs (status, lease_until_ms);
CREATE INDEX IF NOT EXISTS notify_jobs_user ON notify_jobs (user_id, created_at_ms);

-- Every delivery attempt (R5.4). outcome: NULL while in flight; sent | failed | interrupted (the worker
-- died during the send: whether the provider got it is unknown, the job is sent again) | gone.
CREATE TABLE IF NOT EXISTS notify_attempts (
  job_id bigint NOT NULL,
  attempt integer NOT NULL,
  node_id text NOT NULL,
  started_at_ms bigint NOT NULL,
  finished_at_ms bigint,
  outcome text,
  error text,
  provider_ref text,
  PRIMARY KEY (job_id, attempt)
);

-- Per-user preferences (per trigger and channel, quiet hours, contact overrides), as JSON.
CREATE TABLE IF NOT EXISTS notify_preferences (
  user_id text PRIMARY KEY,
  prefs jsonb NOT NULL,
  updated_at_ms bigint NOT NULL
);

-- Web Push subscriptions, one per browser/device (the push service endpoint is unique).
CREATE TABLE IF NOT EXISTS notify_push_subscriptions (
  endpoint text PRIMARY KEY,
  user_id text NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS notify_push_subscriptions_user ON notify_push_subscriptions (user_id);
