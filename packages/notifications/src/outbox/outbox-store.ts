import { jsonParam, type SqlClient } from '@wedsync/storage-postgres';
import type { JobChannel } from '../notification-intent.ts';
import { JOB_COLUMNS, type JobAttempt, type NewJob, type OutboxJob, toAttempt, toJob } from './outbox-job.ts';

/** Shown on an attempt whose worker died during the send (R5.4: visible in the attempt log). */
export const INTERRUPTED_ERROR = 'the worker stopped during this send; whether the provider got it is unknown';

/**
 * The durable outbox in SQL (R5.4), safe with several workers on several nodes:
 * - `claim` takes due jobs with `FOR UPDATE SKIP LOCKED`, so two workers never claim one job, and
 *   gives each a lease; a job whose lease ran out (its worker died) is claimable again;
 * - `beginAttempt` records the attempt ("sending") before anything leaves; a claim that finds a job
 *   still "sending" past its lease closes that attempt as `interrupted`;
 * - `finishAttempt` records the outcome and moves the job to sent, pending (retry at a time) or failed.
 */
export class OutboxStore {
  constructor(private readonly sql: SqlClient) {}

  /** Inserts jobs; a job whose idempotency key exists is left alone. Returns the keys inserted. */
  async enqueue(tx: SqlClient, jobs: readonly NewJob[], nowMs: number): Promise<string[]> {
    const inserted: string[] = [];
    for (const job of jobs) {
      const rows = await tx.query<{ idempotency_key: string }>(
        `INSERT INTO notify_jobs (idempotency_key, notification_id, user_id, channel, target, message, status,
                                  next_attempt_at_ms, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, 'pending', $7, $8)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
        [
          job.idempotencyKey,
          job.notificationId,
          job.userId,
          job.channel,
          job.target,
          jsonParam(job.message),
          Math.max(nowMs, job.notBeforeMs ?? nowMs),
          nowMs,
        ],
      );
      if (rows[0]) inserted.push(rows[0].idempotency_key);
    }
    return inserted;
  }

  async claim(options: {
    nodeId: string;
    channels: readonly JobChannel[];
    limit: number;
    nowMs: number;
    leaseMs: number;
  }): Promise<OutboxJob[]> {
    const { nodeId, nowMs } = options;
    return this.sql.transaction(async (tx) => {
      const due = await tx.query<{ id: unknown; status: string; attempts: unknown }>(
        `SELECT id, status, attempts FROM notify_jobs
          WHERE channel = ANY($1::text[])
            AND ((status = 'pending' AND next_attempt_at_ms <= $2)
              OR (status IN ('claimed', 'sending') AND lease_until_ms <= $2))
          ORDER BY next_attempt_at_ms, id
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [[...options.channels], nowMs, options.limit],
      );
      if (due.length === 0) return [];
      const interrupted = due.filter((row) => row.status === 'sending');
      for (const row of interrupted) {
        await tx.query(
          `UPDATE notify_attempts SET outcome = 'interrupted', finished_at_ms = $3, error = $4
            WHERE job_id = $1 AND attempt = $2 AND outcome IS NULL`,
          [row.id, row.attempts, nowMs, INTERRUPTED_ERROR],
        );
      }
      const rows = await tx.query(
        `UPDATE notify_jobs SET status = 'claimed', claimed_by = $2, lease_until_ms = $3
          WHERE id = ANY($1::bigint[]) RETURNING ${JOB_COLUMNS}`,
        [due.map((row) => Number(row.id)), nodeId, nowMs + options.leaseMs],
      );
      return rows.map(toJob).sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.id - b.id);
    });
  }

  /**
   * Marks a claimed job "sending" and records attempt n before the send. Returns the attempt number,
   * or undefined when this node no longer holds the claim (its lease ran out and another took it).
   */
  async beginAttempt(job: OutboxJob, nodeId: string, nowMs: number, leaseMs: number): Promise<number | undefined> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ attempts: unknown }>(
        `UPDATE notify_jobs SET status = 'sending', attempts = attempts + 1, lease_until_ms = $3
          WHERE id = $1 AND status = 'claimed' AND claimed_by = $2 RETURNING attempts`,
        [job.id, nodeId, nowMs + leaseMs],
      );
      const attempt = rows[0] ? Number(rows[0].attempts) : undefined;
      if (attempt === undefined) return undefined;
      await tx.query('INSERT INTO notify_attempts (job_id, attempt, node_id, started_at_ms) VALUES ($1, $2, $3, $4)', [
        job.id,
        attempt,
        nodeId,
        nowMs,
      ]);
      return attempt;
    });
  }

  /**
   * Records the outcome of attempt `attempt`. `next`: `sent`, `retry` at `retryAtMs`, or `failed`.
   * Returns false when the job had been taken over meanwhile (the attempt row still gets its outcome).
   */
  async finishAttempt(
    job: OutboxJob,
    attempt: number,
    nodeId: string,
    result: {
      outcome: 'sent' | 'failed' | 'gone';
      next: 'sent' | 'retry' | 'failed';
      error?: string;
      providerRef?: string;
      via?: string;
      retryAtMs?: number;
    },
    nowMs: number,
  ): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await tx.query(
        `UPDATE notify_attempts SET outcome = $3, finished_at_ms = $4, error = $5, provider_ref = $6
          WHERE job_id = $1 AND attempt = $2`,
        [job.id, attempt, result.outcome, nowMs, result.error ?? null, result.providerRef ?? null],
      );
      const status = result.next === 'retry' ? 'pending' : result.next;
      const rows = await tx.query(
        `UPDATE notify_jobs
            SET status = $4, last_error = $5, provider_ref = COALESCE($6, provider_ref), delivered_via = COALESCE($7, delivered_via),
                next_attempt_at_ms = COALESCE($8, next_attempt_at_ms), sent_at_ms = CASE WHEN $4 = 'sent' THEN $9::bigint ELSE sent_at_ms END,
                lease_until_ms = NULL, claimed_by = NULL
          WHERE id = $1 AND status = 'sending' AND claimed_by = $2 AND attempts = $3 RETURNING id`,
        [
          job.id,
          nodeId,
          attempt,
          status,
          result.error ?? null,
          result.providerRef ?? null,
          result.via ?? null,
          result.retryAtMs ?? null,
          nowMs,
        ],
      );
      return rows.length > 0;
    });
  }

  /** Gives claimed-but-unstarted jobs back (clean shutdown), so another worker need not wait for the lease. */
  async release(jobIds: readonly number[], nodeId: string): Promise<void> {
    if (jobIds.length === 0) return;
    await this.sql.query(
      `UPDATE notify_jobs SET status = 'pending', claimed_by = NULL, lease_until_ms = NULL
        WHERE id = ANY($1::bigint[]) AND status = 'claimed' AND claimed_by = $2`,
      [[...jobIds], nodeId],
    );
  }

  /** The earliest time a job of these channels becomes claimable, or undefined when none will. */
  async nextDueMs(channels: readonly JobChannel[]): Promise<number | undefined> {
    const rows = await this.sql.query<{ due: unknown }>(
      `SELECT min(CASE WHEN status = 'pending' THEN next_attempt_at_ms ELSE lease_until_ms END) AS due
         FROM notify_jobs WHERE channel = ANY($1::text[]) AND status IN ('pending', 'claimed', 'sending')`,
      [[...channels]],
    );
    const due = rows[0]?.due;
    return due === null || due === undefined ? undefined : Number(due);
  }

  /** A person's newest jobs with their attempts (the outbox view, R5.4). */
  async jobsOfUser(userId: string, limit = 100): Promise<(OutboxJob & { attemptLog: JobAttempt[] })[]> {
    const jobs = (
      await this.sql.query(
        `SELECT ${JOB_COLUMNS} FROM notify_jobs WHERE user_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT $2`,
        [userId, Math.max(1, Math.min(500, Math.floor(limit)))],
      )
    ).map(toJob);
    return this.withAttempts(jobs);
  }

  /** Jobs of one notification with their attempts. */
  async jobsOfNotification(notificationId: string): Promise<(OutboxJob & { attemptLog: JobAttempt[] })[]> {
    const jobs = (
      await this.sql.query(`SELECT ${JOB_COLUMNS} FROM notify_jobs WHERE notification_id = $1 ORDER BY id`, [
        notificationId,
      ])
    ).map(toJob);
    return this.withAttempts(jobs);
  }

  private async withAttempts(jobs: OutboxJob[]): Promise<(OutboxJob & { attemptLog: JobAttempt[] })[]> {
    if (jobs.length === 0) return [];
    const attempts = (
      await this.sql.query(
        `SELECT job_id, attempt, node_id, started_at_ms, finished_at_ms, outcome, error, provider_ref
           FROM notify_attempts WHERE job_id = ANY($1::bigint[]) ORDER BY job_id, attempt`,
        [jobs.map((job) => job.id)],
      )
    ).map(toAttempt);
    return jobs.map((job) => ({ ...job, attemptLog: attempts.filter((attempt) => attempt.jobId === job.id) }));
  }
}
