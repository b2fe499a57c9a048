import type { LockHolder } from '@wedsync/protocol';
import type { Actor, LockRequestInput, LockResult, LockRow } from '@wedsync/server';
import type { SqlClient } from './sql-client.ts';
import { LOCK_COLUMNS, type LockTableRow, RECORD_LOCK_FIELD, toLockRow } from './stored-rows.ts';
import { lockRecords } from './write-lock.ts';

/**
 * Field and record locks (R4.1, R10.2) as rows with an expiry, in the same database as the data so
 * every node enforces them inside its write transactions. A row past its expiry is free.
 *
 * Who holds a lock: the same session when both sides name a session, else the same user. Acquire
 * by the holder renews. Writes (commit, rollback) are blocked only by live locks of *other users*:
 * a user's own tabs and the replay of their offline queue after a reconnect are never refused by
 * a lock that user still holds.
 */

export function sameHolder(lock: LockRow['holder'], actor: Actor): boolean {
  if (lock.sessionId !== undefined && actor.sessionId !== undefined) return lock.sessionId === actor.sessionId;
  return lock.userId === actor.userId;
}

export function publicHolder(lock: LockRow): LockHolder {
  return { userId: lock.holder.userId, name: lock.holder.name };
}

type BlockingLock = { code: 'FIELD_LOCKED' | 'RECORD_LOCKED'; lock: LockRow };

/** The locks on the given records that are live at `nowMs` (any holder), in one statement. */
export async function liveLocksOn(
  sql: SqlClient,
  records: readonly { c: string; id: string }[],
  nowMs: number,
): Promise<LockTableRow[]> {
  if (records.length === 0) return [];
  return sql.query<LockTableRow>(
    `SELECT ${LOCK_COLUMNS.split(', ')
      .map((column) => `l.${column}`)
      .join(', ')} FROM sync_locks l
       JOIN (SELECT DISTINCT c, id FROM unnest($1::text[], $2::text[]) AS u(c, id)) AS k ON l.c = k.c AND l.id = k.id
      WHERE l.expires_at_ms > $3`,
    [records.map((record) => record.c), records.map((record) => record.id), nowMs],
  );
}

/**
 * Among `locks` (e.g. from `liveLocksOn`), the live lock of another user that blocks a write of
 * `fields` (`'all'` for a delete or a record-wide write) on a record, the record lock first;
 * undefined when the write may go ahead.
 */
export function blockingLockAmong(
  locks: readonly LockTableRow[],
  target: { c: string; id: string; fields: readonly number[] | 'all' },
  userId: string,
  nowMs: number,
): BlockingLock | undefined {
  let found: LockTableRow | undefined;
  for (const row of locks) {
    if (row.c !== target.c || row.id !== target.id || Number(row.expires_at_ms) <= nowMs || row.user_id === userId) {
      continue;
    }
    if (row.f !== RECORD_LOCK_FIELD && target.fields !== 'all' && !target.fields.includes(row.f)) continue;
    if (!found || row.f < found.f) found = row;
  }
  if (!found) return undefined;
  const lock = toLockRow(found);
  return { code: lock.f === undefined ? 'RECORD_LOCKED' : 'FIELD_LOCKED', lock };
}

/** `blockingLockAmong` the live locks of the one record, read now. */
export async function findBlockingLock(
  sql: SqlClient,
  target: { c: string; id: string; fields: readonly number[] | 'all' },
  userId: string,
  nowMs: number,
): Promise<BlockingLock | undefined> {
  return blockingLockAmong(await liveLocksOn(sql, [target], nowMs), target, userId, nowMs);
}

/** The refusal message and details of a blocked write, naming the holder (R4.1). */
export function lockRefusal(blocking: { code: 'FIELD_LOCKED' | 'RECORD_LOCKED'; lock: LockRow }) {
  const { lock } = blocking;
  const what = lock.f === undefined ? `record ${lock.c}/${lock.id}` : `field ${lock.f} of ${lock.c}/${lock.id}`;
  return {
    code: blocking.code,
    message: `${lock.holder.name} is editing the ${what}`,
    details: {
      holder: publicHolder(lock),
      expiresAt: new Date(lock.expiresAtMs).toISOString(),
      ...(lock.f !== undefined ? { f: lock.f } : {}),
    },
  };
}

export function createLockStore(sql: SqlClient) {
  const fieldOf = (f: number | undefined) => f ?? RECORD_LOCK_FIELD;

  /** Live locks on the record that conflict with `request` taking its lock, record lock first. */
  async function conflicting(tx: SqlClient, request: LockRequestInput): Promise<LockRow | undefined> {
    const rows = await tx.query<LockTableRow>(
      `SELECT ${LOCK_COLUMNS} FROM sync_locks
        WHERE c = $1 AND id = $2 AND expires_at_ms > $3 AND ($4::integer = ${RECORD_LOCK_FIELD} OR f IN ($4, ${RECORD_LOCK_FIELD}))
        ORDER BY f`,
      [request.c, request.id, request.nowMs, fieldOf(request.f)],
    );
    return rows.map(toLockRow).find((lock) => !sameHolder(lock.holder, request.holder));
  }

  async function upsert(tx: SqlClient, request: LockRequestInput): Promise<LockRow> {
    const rows = await tx.query<LockTableRow>(
      `INSERT INTO sync_locks (${LOCK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (c, id, f) DO UPDATE SET scope = excluded.scope, user_id = excluded.user_id,
         user_name = excluded.user_name, session_id = excluded.session_id, expires_at_ms = excluded.expires_at_ms
       RETURNING ${LOCK_COLUMNS}`,
      [
        request.c,
        request.id,
        fieldOf(request.f),
        request.scope,
        request.holder.userId,
        request.holder.name,
        request.holder.sessionId ?? null,
        request.nowMs + request.ttlMs,
      ],
    );
    return toLockRow(rows[0]!);
  }

  return {
    /** Takes (or renews, for the holder) a field or record lock; refused while another holder's lock lives. */
    acquireLock(request: LockRequestInput): Promise<LockResult> {
      return sql.transaction(async (tx) => {
        await lockRecords(tx, [request]);
        const other = await conflicting(tx, request);
        if (other) return { ok: false, code: other.f === undefined ? 'RECORD_LOCKED' : 'FIELD_LOCKED', lock: other };
        return { ok: true, lock: await upsert(tx, request) };
      });
    },

    /** Extends a lock this holder holds (also one just expired that nobody took since). */
    renewLock(request: LockRequestInput): Promise<LockResult | { ok: false; code: 'LOCK_NOT_HELD' }> {
      return sql.transaction(async (tx) => {
        await lockRecords(tx, [request]);
        const rows = await tx.query<LockTableRow>(
          `SELECT ${LOCK_COLUMNS} FROM sync_locks WHERE c = $1 AND id = $2 AND f = $3`,
          [request.c, request.id, fieldOf(request.f)],
        );
        const current = rows[0] && toLockRow(rows[0]);
        if (!current || !sameHolder(current.holder, request.holder)) return { ok: false, code: 'LOCK_NOT_HELD' };
        return { ok: true, lock: await upsert(tx, request) };
      });
    },

    /** Releases the lock if this holder holds it; true when a lock was removed. */
    async releaseLock(request: Omit<LockRequestInput, 'ttlMs'>): Promise<boolean> {
      const rows = await sql.query<LockTableRow>(
        `DELETE FROM sync_locks WHERE c = $1 AND id = $2 AND f = $3
           AND (CASE WHEN session_id IS NOT NULL AND $4::text IS NOT NULL THEN session_id = $4 ELSE user_id = $5 END)
         RETURNING ${LOCK_COLUMNS}`,
        [request.c, request.id, fieldOf(request.f), request.holder.sessionId ?? null, request.holder.userId],
      );
      return rows.length > 0;
    },

    async releaseLocksOfSession(sessionId: string): Promise<LockRow[]> {
      const rows = await sql.query<LockTableRow>(
        `DELETE FROM sync_locks WHERE session_id = $1 RETURNING ${LOCK_COLUMNS}`,
        [sessionId],
      );
      return rows.map(toLockRow);
    },

    async locksIn(scope: string, nowMs: number): Promise<LockRow[]> {
      const rows = await sql.query<LockTableRow>(
        `SELECT ${LOCK_COLUMNS} FROM sync_locks WHERE scope = $1 AND expires_at_ms > $2 ORDER BY c, id, f`,
        [scope, nowMs],
      );
      return rows.map(toLockRow);
    },

    async expireLocks(nowMs: number): Promise<LockRow[]> {
      const rows = await sql.query<LockTableRow>(
        `DELETE FROM sync_locks WHERE expires_at_ms <= $1 RETURNING ${LOCK_COLUMNS}`,
        [nowMs],
      );
      return rows.map(toLockRow);
    },
  };
}
