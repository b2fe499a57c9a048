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
  /** The watermark row exists (created once per store, not per batch). */
  private watermarkReady = false;

  constructor(private readonly sql: SqlClient) {}

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const columns: unknown[][] = Array.from({ length: 14 }, () => []);
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
        changeSeqOf(event),
      ];
      values.forEach((value, index) => {
        columns[index]?.push(value);
      });
    }
    await this.sql.query(
      `INSERT INTO audit_events (at_ms, kind, actor, tenant, topic, scope, c, record_id, code, reason, node, session_id, details, seq)
       SELECT at_ms, kind, actor, tenant, topic, scope, c, record_id, code, reason, node, session_id, details::jsonb, seq
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])
         AS e(at_ms, kind, actor, tenant, topic, scope, c, record_id, code, reason, node, session_id, details, seq)
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
    const cutoffMs = options.cutoffMs ?? Number.MAX_SAFE_INTEGER;
    let written = 0;
    for (;;) {
      const watermark = await this.backfillWatermark();
      // The batch's writers: actor and tenant are resolved in Node once per (scope, by, cid), not per row.
      const writers = await this.sql.query<WriterRow>(
        `SELECT scope, by, cid, count(*) AS n, max(seq) AS last_seq FROM (
           SELECT seq, scope, by, cid FROM sync_log WHERE seq > $1 AND at_ms < $2 ORDER BY seq LIMIT $3
         ) batch GROUP BY scope, by, cid`,
        [watermark, cutoffMs, batchSize],
      );
      if (writers.length === 0) return written;
      const lastSeq = Math.max(...writers.map((writer) => Number(writer.last_seq)));
      const read = writers.reduce((sum, writer) => sum + Number(writer.n), 0);
      const scopes: string[] = [];
      const bys: string[] = [];
      const cids: (string | null)[] = [];
      const actors: string[] = [];
      const tenants: (string | null)[] = [];
      for (const writer of writers) {
        const actor = realActor(writer.by, writer.cid);
        scopes.push(writer.scope);
        bys.push(writer.by);
        cids.push(writer.cid);
        actors.push(actor);
        tenants.push(options.tenantOf?.({ scope: writer.scope, actor }) ?? null);
      }
      // One statement copies the batch inside the database (a change already in the trail, written live
      // or by another node, is skipped by the unique seq) and moves the watermark past it.
      const inserted = await this.sql.query<{ n: unknown }>(
        `WITH writer AS (
           SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             AS w(scope, by, cid, actor, tenant)
         ), batch AS MATERIALIZED (
           -- The batch's log range, read once (not once per writer).
           SELECT seq, scope, c, id, v, by, at_ms, cid, mid FROM sync_log
           WHERE seq > $1 AND seq <= $3 AND at_ms < $2
         ), source AS (
           SELECT b.seq, b.scope, b.c, b.id, b.v, b.at_ms, b.mid, w.actor, w.tenant,
                  -- Only a version without a mutation id can be a rollback (history-store writes rollbacks
                  -- without one): mutations skip the history lookup.
                  CASE WHEN b.mid IS NULL THEN (
                    SELECT h.rollback_of FROM sync_history h WHERE h.c = b.c AND h.id = b.id AND h.v = b.v
                  ) END AS rollback_of
           FROM batch b JOIN writer w ON w.scope = b.scope AND w.by = b.by AND w.cid IS NOT DISTINCT FROM b.cid
         ), copied AS (
           INSERT INTO audit_events (at_ms, kind, actor, tenant, scope, c, record_id, node, details, seq)
           SELECT at_ms,
                  CASE WHEN rollback_of IS NULL THEN 'mutation_applied' ELSE 'rollback' END,
                  actor, tenant, scope, c, id, 'log',
                  CASE WHEN rollback_of IS NOT NULL
                    THEN jsonb_build_object('to', rollback_of, 'v', v, 'seq', seq, 'backfilled', true)
                    WHEN mid IS NULL THEN jsonb_build_object('v', v, 'seq', seq, 'backfilled', true)
                    ELSE jsonb_build_object('mid', mid, 'v', v, 'seq', seq, 'backfilled', true)
                  END,
                  seq
           FROM source ORDER BY seq
           ON CONFLICT DO NOTHING
           RETURNING 1
         ), marked AS (
           UPDATE audit_backfill SET checked_seq = GREATEST(checked_seq, $3) WHERE id = 1 RETURNING 1
         )
         SELECT (SELECT count(*) FROM copied) AS n, (SELECT count(*) FROM marked) AS marked`,
        [watermark, cutoffMs, lastSeq, scopes, bys, cids, actors, tenants],
      );
      written += Number(inserted[0]?.n ?? 0);
      if (read < batchSize) return written;
    }
  }

  /** The log is checked up to here; first use starts at the oldest retained log entry. */
  private async backfillWatermark(): Promise<number> {
    if (!this.watermarkReady) {
      await this.sql.query(
        `INSERT INTO audit_backfill (id, checked_seq)
         SELECT 1, pruned_through FROM sync_head WHERE id = 1 ON CONFLICT (id) DO NOTHING`,
      );
      this.watermarkReady = true;
    }
    const rows = await this.sql.query<{ checked_seq: unknown }>('SELECT checked_seq FROM audit_backfill WHERE id = 1');
    return Number(rows[0]?.checked_seq ?? 0);
  }
}

interface WriterRow extends SqlRow {
  scope: string;
  by: string;
  cid: string | null;
  n: unknown;
  last_seq: unknown;
}

/** The change-log position of an applied change written live (its `details.seq`); null for other events. */
function changeSeqOf(event: AuditEvent): number | null {
  if (event.kind !== 'mutation_applied' && event.kind !== 'rollback') return null;
  const seq = event.details?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
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
