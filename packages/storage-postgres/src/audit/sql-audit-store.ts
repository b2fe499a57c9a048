import { fileURLToPath } from 'node:url';
import type { AuditEntry, AuditEventKind } from '@wedsync/protocol';
import type { AuditEvent, AuditStore, TenantResolver } from '@wedsync/server';
import type { MigrationSet } from '../migrations.ts';
import type { SqlClient, SqlRow } from '../sql-client.ts';

/** The audit tables (R14.1); apply after STORAGE_MIGRATIONS (the backfill reads the sync history). */
export const AUDIT_MIGRATIONS: MigrationSet = {
  namespace: 'audit',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

/** What one audit query may see: a tenant's events, plus tenant-less events of its members. */
export interface AuditQuery {
  tenant: string;
  /** Users whose connection-level (tenant-less) events belong to this tenant, e.g. its team or partners. */
  members?: readonly string[];
  fromMs?: number;
  toMs?: number;
  kinds?: readonly AuditEventKind[];
  actor?: string;
  topic?: string;
  /** Only entries with a smaller id (paging, newest first). */
  before?: string;
  /** Default 100, at most 1 000. */
  limit?: number;
}

interface AuditRow extends SqlRow {
  id: unknown;
  at_ms: unknown;
  kind: string;
  actor: string | null;
  tenant: string | null;
  topic: string | null;
  c: string | null;
  record_id: string | null;
  code: string | null;
  reason: string | null;
  node: string;
  session_id: string | null;
  details: Record<string, unknown> | null;
}

const COLUMNS = 'id, at_ms, kind, actor, tenant, topic, c, record_id, code, reason, node, session_id, details';

/**
 * The audit trail in PostgreSQL / PGlite (R14.1): batch appends (one statement per batch), the
 * tenant-scoped query of the audit API, the user's recent events for problem reports, pruning, and a
 * backfill of applied changes from the sync history, so a crash that lost the trail's buffer loses no
 * `mutation_applied` / `rollback` (the history is written atomically with the change).
 */
export class SqlAuditStore implements AuditStore {
  constructor(private readonly sql: SqlClient) {}

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const columns: unknown[][] = Array.from({ length: 13 }, () => []);
    for (const event of events) {
      const values = [
        event.atMs,
        event.kind,
        event.actor,
        event.tenant ?? null,
        event.topic ?? null,
        event.scope ?? null,
        event.c ?? null,
        event.recordId ?? null,
        event.code ?? null,
        event.reason ?? null,
        event.node,
        event.sessionId ?? null,
        event.details === undefined ? null : JSON.stringify(event.details),
      ];
      values.forEach((value, index) => {
        columns[index]?.push(value);
      });
    }
    await this.sql.query(
      `INSERT INTO audit_events (at_ms, kind, actor, tenant, topic, scope, c, record_id, code, reason, node, session_id, details)
       SELECT at_ms, kind, actor, tenant, topic, scope, c, record_id, code, reason, node, session_id, details::jsonb
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
         AS e(at_ms, kind, actor, tenant, topic, scope, c, record_id, code, reason, node, session_id, details)
       ON CONFLICT DO NOTHING`,
      columns,
    );
  }

  /** Newest first. Only the tenant's events and its members' tenant-less events: never another tenant's. */
  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const params: unknown[] = [query.tenant, [...(query.members ?? [])]];
    const where = ['(tenant = $1 OR (tenant IS NULL AND actor = ANY($2::text[])))'];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.fromMs !== undefined) add('at_ms >= ?', query.fromMs);
    if (query.toMs !== undefined) add('at_ms < ?', query.toMs);
    if (query.kinds && query.kinds.length > 0) add('kind = ANY(?::text[])', [...query.kinds]);
    if (query.actor !== undefined) add('actor = ?', query.actor);
    if (query.topic !== undefined) add('topic = ?', query.topic);
    if (query.before !== undefined) add('id < ?', query.before);
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1_000);
    const rows = await this.sql.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toEntry);
  }

  /** One user's events since `sinceMs`, oldest first (R15.2 problem reports), at most `limit` (default 1 000). */
  async forActor(actor: string, sinceMs: number, limit = 1_000): Promise<AuditEntry[]> {
    const rows = await this.sql.query<AuditRow>(
      `SELECT ${COLUMNS} FROM (
         SELECT ${COLUMNS} FROM audit_events WHERE actor = $1 AND at_ms >= $2 ORDER BY id DESC LIMIT $3
       ) recent ORDER BY id`,
      [actor, sinceMs, limit],
    );
    return rows.map(toEntry);
  }

  /** Deletes events older than `olderThanMs` (retention); returns how many. */
  async prune(olderThanMs: number): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>(
      'WITH gone AS (DELETE FROM audit_events WHERE at_ms < $1 RETURNING 1) SELECT count(*) AS n FROM gone',
      [olderThanMs],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Copies the applied changes (mutations and rollbacks) the trail does not hold from the change log —
   * which is written atomically with each change — under their real actor (the user behind an
   * anonymised label), and moves a durable watermark past them so each log entry is read once. With a
   * trail that has `appliedChangesFromLog`, this is how applied changes enter the trail; otherwise it
   * backfills what a crash lost, and `cutoffMs` (older than any node's unwritten buffer, e.g. now −
   * 1 min) keeps it off entries still on their way. Nodes may run it concurrently (a change is in the
   * trail once). Run it more often than the log is pruned (LOG_RETENTION_DAYS). Returns how many it wrote.
   */
  async backfillApplied(
    options: { cutoffMs?: number; tenantOf?: TenantResolver; batchSize?: number } = {},
  ): Promise<number> {
    const batchSize = options.batchSize ?? 1_000;
    let written = 0;
    for (;;) {
      const watermark = await this.backfillWatermark();
      const rows = await this.sql.query<LogAuditRow>(
        `SELECT l.seq, l.scope, l.c, l.id, l.v, l.by, l.at_ms, l.cid, l.mid, h.rollback_of,
                EXISTS (
                  SELECT 1 FROM audit_events a
                  WHERE a.kind IN ('mutation_applied', 'rollback') AND a.details ? 'seq'
                    AND (a.details->>'seq')::bigint = l.seq) AS audited
         FROM sync_log l LEFT JOIN sync_history h ON h.c = l.c AND h.id = l.id AND h.v = l.v
         WHERE l.seq > $1 AND l.at_ms < $2
         ORDER BY l.seq LIMIT $3`,
        [watermark, options.cutoffMs ?? Number.MAX_SAFE_INTEGER, batchSize],
      );
      const events = rows.filter((row) => !row.audited).map((row) => backfilledEvent(row, options.tenantOf));
      await this.append(events);
      written += events.length;
      const last = rows.at(-1);
      if (last) {
        await this.sql.query('UPDATE audit_backfill SET checked_seq = GREATEST(checked_seq, $1) WHERE id = 1', [
          Number(last.seq),
        ]);
      }
      if (rows.length < batchSize) return written;
    }
  }

  /** The log is checked up to here; first use starts at the oldest retained log entry. */
  private async backfillWatermark(): Promise<number> {
    await this.sql.query(
      `INSERT INTO audit_backfill (id, checked_seq)
       SELECT 1, pruned_through FROM sync_head WHERE id = 1 ON CONFLICT (id) DO NOTHING`,
    );
    const rows = await this.sql.query<{ checked_seq: unknown }>('SELECT checked_seq FROM audit_backfill WHERE id = 1');
    return Number(rows[0]?.checked_seq ?? 0);
  }
}

interface LogAuditRow extends SqlRow {
  seq: unknown;
  scope: string;
  c: string;
  id: string;
  v: number;
  by: string;
  at_ms: unknown;
  cid: string | null;
  mid: unknown;
  rollback_of: number | null;
  audited: boolean;
}

function backfilledEvent(row: LogAuditRow, tenantOf: TenantResolver | undefined): AuditEvent {
  const actor = realActor(row.by, row.cid);
  const seq = Number(row.seq);
  const rollback = row.rollback_of !== null && row.rollback_of !== undefined;
  const details: Record<string, unknown> = rollback
    ? { to: row.rollback_of, v: row.v, seq, backfilled: true }
    : { v: row.v, seq, backfilled: true };
  if (!rollback && row.mid !== null) details.mid = Number(row.mid);
  return {
    kind: rollback ? 'rollback' : 'mutation_applied',
    atMs: Number(row.at_ms),
    actor,
    node: 'log',
    scope: row.scope,
    c: row.c,
    recordId: row.id,
    details,
    tenant: tenantOf?.({ scope: row.scope, actor }) ?? null,
  };
}

/**
 * The user behind a history row: `by` is the user or `{tag}:{user}` (anonymised writes), and the
 * storage client id starts with `{user}:`; the longest suffix of `by` that prefixes the cid wins.
 */
export function realActor(by: string, cid: string | null): string {
  if (!cid) return by;
  for (let start = 0; start <= by.length; ) {
    const candidate = by.slice(start);
    if (cid.startsWith(`${candidate}:`)) return candidate;
    const colon = by.indexOf(':', start);
    if (colon < 0) break;
    start = colon + 1;
  }
  return by;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    kind: row.kind as AuditEventKind,
    at: new Date(Number(row.at_ms)).toISOString(),
    actor: row.actor,
    tenant: row.tenant,
    topic: row.topic,
    c: row.c,
    recordId: row.record_id,
    code: row.code,
    reason: row.reason,
    node: row.node,
    sessionId: row.session_id,
    details: row.details,
  };
}
