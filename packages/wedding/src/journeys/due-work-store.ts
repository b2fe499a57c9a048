import { fileURLToPath } from 'node:url';

/**
 * The SQL surface the work store needs, declared structurally (the `SqlClient` of
 * `@wedsync/storage-postgres` satisfies it), so this package depends on the contract only.
 */
export interface WorkSql {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
}

/** A migration set (`MigrationSet` of `@wedsync/storage-postgres`): run it with `runMigrations`. */
export const DUE_WORK_MIGRATIONS = {
  namespace: 'wedding-work',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
} as const;

/**
 * Only journey runs. The migration's comment still names a 'meeting_reminder' kind: meeting reminders
 * (R9.1) were once claimed here, and are now written once by id by the notifications scan
 * (`dueMeetingReminders`); no row of that kind is written any more.
 */
export type DueWorkKind = 'journey_run';
export type DueWorkStatus = 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled';

export interface DueWork {
  kind: DueWorkKind;
  key: string;
  dueAtMs: number;
  status: DueWorkStatus;
  /** Fencing token: the number of claims so far, this one included. */
  claims: number;
  /** Consecutive failures (reset by `revive` and by `reschedule` without `failures`). */
  failures: number;
  claimedBy: string | null;
  leaseUntilMs: number | null;
  phase: string | null;
  lastError: string | null;
  payload: unknown;
  /** For a claim: the row was retaken from another holder whose lease ran out. */
  retakenFrom?: { nodeId: string | null; phase: string | null };
}

/** The claim a holder names in every release (a stale holder's release changes nothing). */
export interface WorkClaim {
  kind: DueWorkKind;
  key: string;
  nodeId: string;
  claims: number;
}

interface Row extends Record<string, unknown> {
  kind: string;
  key: string;
  due_at_ms: unknown;
  status: string;
  claims: unknown;
  failures: unknown;
  claimed_by: string | null;
  lease_until_ms: unknown;
  phase: string | null;
  last_error: string | null;
  payload: unknown;
  prev_status?: string | null;
  prev_claimed_by?: string | null;
  prev_phase?: string | null;
}

const num = (value: unknown): number => Number(value);

function toWork(row: Row): DueWork {
  const work: DueWork = {
    kind: row.kind as DueWorkKind,
    key: row.key,
    dueAtMs: num(row.due_at_ms),
    status: row.status as DueWorkStatus,
    claims: num(row.claims),
    failures: num(row.failures),
    claimedBy: row.claimed_by,
    leaseUntilMs: row.lease_until_ms === null ? null : num(row.lease_until_ms),
    phase: row.phase,
    lastError: row.last_error,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : (row.payload ?? null),
  };
  if (row.prev_status === 'claimed') {
    work.retakenFrom = { nodeId: row.prev_claimed_by ?? null, phase: row.prev_phase ?? null };
  }
  return work;
}

const COLUMNS =
  'kind, key, due_at_ms, status, claims, failures, claimed_by, lease_until_ms, phase, last_error, payload';

/**
 * Durable due work in the database (R8), shared by every node: rows are claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, so one unit is held by one node at a time; a node that dies
 * leaves a lease that runs out, and the next claim retakes the row (`retakenFrom` says so).
 * Every release names the claim (`claims` is the fencing token), so a holder that lost its lease
 * cannot overwrite the newer holder's outcome. Times are epoch ms from the caller's clock.
 */
export class DueWorkStore {
  constructor(private readonly sql: WorkSql) {}

  /**
   * Adds work, or makes existing pending work due no later than `dueAtMs`. With `revive`, a
   * finished row (done, failed, cancelled) becomes pending again with its failures reset; a claimed
   * row is never touched (its holder decides).
   */
  async enqueue(
    kind: DueWorkKind,
    key: string,
    dueAtMs: number,
    options: { nowMs: number; revive?: boolean; payload?: unknown },
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO wedding_due_work (kind, key, due_at_ms, status, payload, updated_at_ms)
       VALUES ($1, $2, $3::bigint, 'pending', $4::text::jsonb, $5::bigint)
       ON CONFLICT (kind, key) DO UPDATE SET
         due_at_ms = CASE WHEN wedding_due_work.status = 'pending'
                          THEN LEAST(wedding_due_work.due_at_ms, EXCLUDED.due_at_ms) ELSE EXCLUDED.due_at_ms END,
         failures = CASE WHEN wedding_due_work.status = 'pending' THEN wedding_due_work.failures ELSE 0 END,
         last_error = CASE WHEN wedding_due_work.status = 'pending' THEN wedding_due_work.last_error ELSE NULL END,
         payload = COALESCE(EXCLUDED.payload, wedding_due_work.payload),
         status = 'pending',
         updated_at_ms = EXCLUDED.updated_at_ms
       WHERE wedding_due_work.status = 'pending'
          OR ($6::boolean AND wedding_due_work.status IN ('done', 'failed', 'cancelled'))`,
      [kind, key, dueAtMs, JSON.stringify(options.payload ?? null), options.nowMs, options.revive === true],
    );
  }

  /** Claims up to `limit` due rows of a kind (pending and due, or claimed with an expired lease). */
  async claim(
    kind: DueWorkKind,
    options: { nodeId: string; nowMs: number; leaseMs: number; limit: number },
  ): Promise<DueWork[]> {
    const rows = await this.sql.query<Row>(
      `WITH due AS (
         SELECT kind, key, status, claimed_by, phase FROM wedding_due_work
          WHERE kind = $1
            AND ((status = 'pending' AND due_at_ms <= $3) OR (status = 'claimed' AND lease_until_ms <= $3))
          ORDER BY due_at_ms, key
          LIMIT $5
          FOR UPDATE SKIP LOCKED)
       UPDATE wedding_due_work w SET
         status = 'claimed', claimed_by = $2, lease_until_ms = $3::bigint + $4::bigint, claims = w.claims + 1, updated_at_ms = $3,
         phase = NULL
       FROM due
       WHERE w.kind = due.kind AND w.key = due.key
       RETURNING w.kind, w.key, w.due_at_ms, w.status, w.claims, w.failures, w.claimed_by, w.lease_until_ms,
                 w.phase, w.last_error, w.payload,
                 due.status AS prev_status, due.claimed_by AS prev_claimed_by, due.phase AS prev_phase`,
      [kind, options.nodeId, options.nowMs, options.leaseMs, options.limit],
    );
    return rows.map(toWork).sort((a, b) => a.dueAtMs - b.dueAtMs || a.key.localeCompare(b.key));
  }

  /** Extends the lease (and records the phase); false when the claim is no longer this holder's. */
  async renew(claim: WorkClaim, options: { nowMs: number; leaseMs: number; phase?: string | null }): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE wedding_due_work SET lease_until_ms = $5::bigint + $6::bigint, updated_at_ms = $5,
              phase = CASE WHEN $7::boolean THEN $8::text ELSE phase END
        WHERE kind = $1 AND key = $2 AND status = 'claimed' AND claimed_by = $3 AND claims = $4
        RETURNING key`,
      [
        claim.kind,
        claim.key,
        claim.nodeId,
        claim.claims,
        options.nowMs,
        options.leaseMs,
        options.phase !== undefined,
        options.phase ?? null,
      ],
    );
    return rows.length > 0;
  }

  /** Back to pending at `dueAtMs` (a retry passes `failures` and `lastError`; else both reset). */
  async reschedule(
    claim: WorkClaim,
    dueAtMs: number,
    options: { nowMs: number; failures?: number; lastError?: string },
  ): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE wedding_due_work SET status = 'pending', due_at_ms = $5, claimed_by = NULL, lease_until_ms = NULL,
              phase = NULL, failures = $6, last_error = $7, updated_at_ms = $8
        WHERE kind = $1 AND key = $2 AND status = 'claimed' AND claimed_by = $3 AND claims = $4
        RETURNING key`,
      [
        claim.kind,
        claim.key,
        claim.nodeId,
        claim.claims,
        dueAtMs,
        options.failures ?? 0,
        options.lastError ?? null,
        options.nowMs,
      ],
    );
    return rows.length > 0;
  }

  /** Ends the work: done, failed (with its error) or cancelled. */
  async finish(
    claim: WorkClaim,
    status: 'done' | 'failed' | 'cancelled',
    options: { nowMs: number; lastError?: string; failures?: number; payload?: unknown },
  ): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE wedding_due_work SET status = $5, claimed_by = NULL, lease_until_ms = NULL, phase = NULL,
              last_error = $6, done_at_ms = $7, updated_at_ms = $7,
              failures = COALESCE($8, failures), payload = COALESCE($9::text::jsonb, payload)
        WHERE kind = $1 AND key = $2 AND status = 'claimed' AND claimed_by = $3 AND claims = $4
        RETURNING key`,
      [
        claim.kind,
        claim.key,
        claim.nodeId,
        claim.claims,
        status,
        options.lastError ?? null,
        options.nowMs,
        options.failures ?? null,
        options.payload === undefined ? null : JSON.stringify(options.payload),
      ],
    );
    return rows.length > 0;
  }

  async get(kind: DueWorkKind, key: string): Promise<DueWork | undefined> {
    const rows = await this.sql.query<Row>(`SELECT ${COLUMNS} FROM wedding_due_work WHERE kind = $1 AND key = $2`, [
      kind,
      key,
    ]);
    return rows[0] && toWork(rows[0]);
  }

  async list(kind: DueWorkKind, keyPrefix = ''): Promise<DueWork[]> {
    const rows = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM wedding_due_work WHERE kind = $1 AND left(key, length($2)) = $2 ORDER BY key`,
      [kind, keyPrefix],
    );
    return rows.map(toWork);
  }

  /** The earliest moment any work of a kind may become claimable (for sleeping schedulers). */
  async nextDueAtMs(kind: DueWorkKind): Promise<number | undefined> {
    const rows = await this.sql.query<{ at: unknown }>(
      `SELECT min(CASE WHEN status = 'pending' THEN due_at_ms ELSE lease_until_ms END) AS at
         FROM wedding_due_work WHERE kind = $1 AND status IN ('pending', 'claimed')`,
      [kind],
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? undefined : num(at);
  }
}

/** Exponential backoff after the n-th consecutive failure: `min(maxMs, baseMs × 2^(n-1))`, no jitter. */
export function backoffDelayMs(failures: number, options: { baseMs?: number; maxMs?: number } = {}): number {
  const base = options.baseMs ?? 30_000;
  return Math.min(options.maxMs ?? 3_600_000, base * 2 ** Math.max(0, failures - 1));
}
