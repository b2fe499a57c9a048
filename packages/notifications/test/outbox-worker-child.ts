/**
 * A worker process for the crash test (outbox-crash-postgres.test.ts): delivers email jobs from the
 * PostgreSQL outbox to the SMTP server named in the environment and reports each final outcome to its
 * parent over IPC. It runs until killed.
 */
import { createPgSqlClient } from '@wedsync/storage-postgres';
import { OutboxWorker } from '../src/outbox/outbox-worker.ts';
import { createSmtpSender } from '../src/senders/smtp-sender.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const sql = await createPgSqlClient({
  connectionString: env('DATABASE_URL'),
  schema: env('OUTBOX_SCHEMA'),
  poolSize: 2,
});
const worker = new OutboxWorker({
  sql,
  nodeId: env('NODE_ID'),
  senders: [createSmtpSender({ url: env('SMTP_URL'), from: 'notifications@wedsync.example', timeoutMs: 10_000 })],
  batchSize: 5,
  concurrency: 1,
  leaseMs: Number(env('LEASE_MS')),
  pollIntervalMs: 20,
  backoff: { baseMs: 10, maxMs: 20 },
  onFinished: (job, result) => {
    process.send?.({ finished: job.idempotencyKey, ok: result.ok });
  },
  onError: (error, context) => {
    process.send?.({ error: `${context}: ${String(error)}` });
  },
});
worker.start();
process.send?.({ ready: true });
