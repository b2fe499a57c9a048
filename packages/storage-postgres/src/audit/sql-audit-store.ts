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

/**
 * What one audit query may see: a tenant's events, plus the tenant-less (connection-level) events of
 * its members' sessions that acted in the tenant — not a member's connection used only elsewhere
 * (e.g. a photographer's own wedding planning is not their employer's business).
 */
export interface AuditQuery {
  tenant: string;
  /** Users whose connection-level (tenant-less) events may belong to this tenant, e.g. its team or partners. */
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
  /** The entry id (see ENTRIES_PER_ROW). */
  eid: unknown;
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

const COLUMNS = 'at_ms, kind, actor, tenant, topic, c, record_id, code, reason, node, session_id, details';

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
       -- A change the log import already copied (its seq is behind the watermark) is not written twice.
       WHERE e.seq IS NULL OR e.seq > coalesce((SELECT checked_seq FROM audit_backfill WHERE id = 1), 0)
       ON CONFLICT DO NOTHING`,
      columns,
    );
  }

  /**
   * Newest first. Only the tenant's events and the tenant-less events of its members' sessions that
   * acted in it: never another tenant's.
   */
  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const params: unknown[] = [query.tenant, [...(query.members ?? [])]];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const events = [
      `(tenant = $1 OR (tenant IS NULL AND actor = ANY($2::text[]) AND EXISTS (
         SELECT 1 FROM audit_events s WHERE s.session_id = audit_events.session_id AND s.tenant = $1
       )))`,
    ];
    // Conditions on a group row (g) and on each of its changes (x).
    // Copied changes without a tenant (writes to a user's own scopes) belong to no tenant's trail.
    const groups = ['g.tenant = $1'];
    const changes: string[] = [];
    // Row conditions under which every change of a row passes `changes` (a complete row); null: none can.
    let complete: string[] | null = [];
    if (query.fromMs !== undefined) {
      const fromMs = add(query.fromMs);
      events.push(`at_ms >= ${fromMs}`);
      groups.push(`g.at_ms >= ${fromMs}`);
      changes.push(`x.at_ms >= ${fromMs}`);
      complete.push(`g.first_at_ms >= ${fromMs}`);
    }
    if (query.toMs !== undefined) {
      const toMs = add(query.toMs);
      events.push(`at_ms < ${toMs}`);
      groups.push(`g.first_at_ms < ${toMs}`);
      changes.push(`x.at_ms < ${toMs}`);
      complete.push(`g.at_ms < ${toMs}`);
    }
    let withGroups = query.topic === undefined; // copied changes have no topic
    if (query.kinds && query.kinds.length > 0) {
      const kinds = add([...query.kinds]);
      events.push(`kind = ANY(${kinds}::text[])`);
      withGroups &&= query.kinds.some(isAppliedKind);
      // Both applied kinds asked for: every change of a row qualifies.
      if (!(query.kinds.includes('mutation_applied') && query.kinds.includes('rollback'))) {
        changes.push(`${APPLIED_KIND} = ANY(${kinds}::text[])`);
        complete = null;
      }
    }
    if (query.actor !== undefined) {
      const actor = add(query.actor);
      events.push(`actor = ${actor}`);
      groups.push(`g.actor = ${actor}`);
    }
    if (query.topic !== undefined) events.push(`topic = ${add(query.topic)}`);
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1_000);
    if (query.before !== undefined) {
      const before = BigInt(query.before);
      const [row, entry] = [add(String(before / ENTRIES_PER_ROW)), add(String(before))];
      events.push(`id <= ${row}::bigint`, `id * ${ENTRIES_PER_ROW} < ${entry}::bigint`);
      groups.push(`g.id <= ${row}::bigint`);
      changes.push(`g.id * ${ENTRIES_PER_ROW} + x.ord < ${entry}::bigint`);
      complete?.push(`g.id < ${row}::bigint`); // the row of `before` itself may be cut
    }
    // The page's entries are all in rows at or above the id where the newest complete rows reach
    // `limit` changes (each row holds at least one): only those rows are expanded, not the tenant's whole
    // history. Rows of one batch share an id, so the bound is an id (ties all stay).
    if (complete !== null) {
      groups.push(
        `g.id >= coalesce((SELECT min(id) FROM (
           SELECT id, coalesce(sum(n) OVER (ORDER BY id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
           FROM (
             SELECT g.id, cardinality(g.ords) AS n FROM audit_applied g
             WHERE ${[...groups, ...complete].join(' AND ')} ORDER BY g.id DESC LIMIT ${limit}
           ) newest
         ) counted WHERE newer < ${limit}), 0)`,
      );
    }
    const rows = await this.sql.query<AuditRow>(
      `${entriesSql(events, withGroups ? [...groups, ...changes] : null, limit)} ORDER BY eid DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toEntry);
  }

  /** One user's events since `sinceMs`, oldest first (R15.2 problem reports), at most `limit` (default 1 000). */
  async forActor(actor: string, sinceMs: number, limit = 1_000): Promise<AuditEntry[]> {
    const rows = await this.sql.query<AuditRow>(
      `SELECT * FROM (
         ${entriesSql(['actor = $1', 'at_ms >= $2'], ['g.actor = $1', 'g.at_ms >= $2', 'x.at_ms >= $2'])}
         ORDER BY eid DESC LIMIT $3
       ) recent ORDER BY eid`,
      [actor, sinceMs, limit],
    );
    return rows.map(toEntry);
  }

  /**
   * Deletes events older than `olderThanMs` (retention); returns how many. A group of copied changes
   * goes when its newest change is that old (a group spans one import batch, seconds).
   */
  async prune(olderThanMs: number): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>(
      `WITH events AS (DELETE FROM audit_events WHERE at_ms < $1 RETURNING 1),
            groups AS (DELETE FROM audit_applied WHERE at_ms < $1 RETURNING cardinality(seqs) AS n)
       SELECT (SELECT count(*) FROM events) + (SELECT coalesce(sum(n), 0) FROM groups) AS n`,
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
   * 1 min) keeps it off entries still on their way. The changes of one writer in one batch are stored as
   * one `audit_applied` row (the query expands it, in seq order within the batch). Nodes may run it concurrently: a batch is written
   * only by the node whose compare-and-set moves the watermark from where it read it, so a change is in
   * the trail once. Run it more often than the log is pruned (LOG_RETENTION_DAYS). Returns how many
   * changes it wrote. `batchSize`: default and at most 1 000.
   */
  async backfillApplied(
    options: { cutoffMs?: number; tenantOf?: TenantResolver; batchSize?: number } = {},
  ): Promise<number> {
    const batchSize = Math.min(Math.max(1, Math.floor(options.batchSize ?? MAX_GROUP_SIZE)), MAX_GROUP_SIZE);
    // Without a cutoff (null) the planner drops the time condition (which would bring in the at_ms index).
    const beforeCutoff = (param: string) => `(${param}::bigint IS NULL OR at_ms < ${param})`;
    const cutoffMs = options.cutoffMs ?? null;
    let written = 0;
    for (;;) {
      await this.ensureWatermark();
      // The batch's writers (actor and tenant are resolved in Node once per (scope, by, cid), not per
      // row) and the watermark they were read from.
      const writers = await this.sql.query<WriterRow>(
        `WITH mark AS (SELECT checked_seq FROM audit_backfill WHERE id = 1)
         SELECT (SELECT checked_seq FROM mark) AS watermark, scope, by, cid, count(*) AS n, max(seq) AS last_seq FROM (
           SELECT seq, scope, by, cid FROM sync_log
           WHERE seq > (SELECT checked_seq FROM mark) AND ${beforeCutoff('$1')} ORDER BY seq LIMIT $2
         ) batch GROUP BY scope, by, cid`,
        [cutoffMs, batchSize],
      );
      if (writers.length === 0) return written;
      const watermark = Number(writers[0]?.watermark);
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
      // One statement claims the batch (the watermark moves from where this node read it, or nothing
      // happens: a concurrent node's update makes the re-checked condition false) and copies it inside
      // the database, one row per writer. A change already in the trail as a live event is skipped.
      const copied = await this.sql.query<{ n: unknown; claimed: unknown }>(
        `WITH claimed AS (
           UPDATE audit_backfill SET checked_seq = $3 WHERE id = 1 AND checked_seq = $1 RETURNING 1
         ), batch_id AS (
           -- Taken once the batch is claimed, so batches get ids in seq order across nodes.
           SELECT nextval('audit_events_id_seq') AS id FROM claimed
         ), writer AS (
           SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             AS w(scope, by, cid, actor, tenant)
         ), batch AS MATERIALIZED (
           -- The batch's log range, read once (not once per writer).
           SELECT seq, scope, c, id, v, by, at_ms, cid, mid, row_number() OVER (ORDER BY seq) AS ord FROM sync_log
           WHERE seq > $1 AND seq <= $3 AND ${beforeCutoff('$2')}
         ), source AS (
           SELECT b.seq, b.ord, b.scope, b.c, b.id, b.v, b.at_ms, b.mid, w.actor, w.tenant,
                  -- Only a version without a mutation id can be a rollback (history-store writes rollbacks
                  -- without one): mutations skip the history lookup.
                  CASE WHEN b.mid IS NULL THEN (
                    SELECT h.rollback_of FROM sync_history h WHERE h.c = b.c AND h.id = b.id AND h.v = b.v
                  ) END AS rollback_of
           FROM batch b JOIN writer w ON w.scope = b.scope AND w.by = b.by AND w.cid IS NOT DISTINCT FROM b.cid
           -- One range probe, hashed: not an index lookup per change.
           WHERE b.seq NOT IN (SELECT e.seq FROM audit_events e WHERE e.seq > $1 AND e.seq <= $3)
         ), copied AS (
           INSERT INTO audit_applied (id, at_ms, first_at_ms, actor, tenant, scope, ords, seqs, cs, record_ids, vs, mids, ats, rollback_tos)
           -- The arrays of a row list its changes in one (any) order, the same in each; ord places them.
           SELECT (SELECT id FROM batch_id), max(at_ms), min(at_ms), actor, tenant, scope, array_agg(ord), array_agg(seq),
                  array_agg(c), array_agg(id), array_agg(v), array_agg(mid), array_agg(at_ms), array_agg(rollback_of)
           FROM source WHERE EXISTS (SELECT 1 FROM claimed)
           GROUP BY actor, tenant, scope
           RETURNING cardinality(seqs) AS n
         )
         SELECT (SELECT coalesce(sum(n), 0) FROM copied) AS n, (SELECT count(*) FROM claimed) AS claimed`,
        [watermark, cutoffMs, lastSeq, scopes, bys, cids, actors, tenants],
      );
      // Another node claimed this range first: read the watermark again.
      if (Number(copied[0]?.claimed ?? 0) === 0) continue;
      written += Number(copied[0]?.n ?? 0);
      if (read < batchSize) return written;
    }
  }

  /** Creates the watermark row once per store: first use starts at the oldest retained log entry. */
  private async ensureWatermark(): Promise<void> {
    if (this.watermarkReady) return;
    await this.sql.query(
      `INSERT INTO audit_backfill (id, checked_seq)
       SELECT 1, pruned_through FROM sync_head WHERE id = 1 ON CONFLICT (id) DO NOTHING`,
    );
    this.watermarkReady = true;
  }
}

/** Entry ids are row id × this + the change's position in its import batch (0 for an `audit_events` row). */
const ENTRIES_PER_ROW = 1024n;
/** Changes per import batch, at most (below ENTRIES_PER_ROW). */
const MAX_GROUP_SIZE = 1_000;
const APPLIED_KIND = `(CASE WHEN x.rollback_to IS NULL THEN 'mutation_applied' ELSE 'rollback' END)`;

const isAppliedKind = (kind: AuditEventKind) => kind === 'mutation_applied' || kind === 'rollback';

/**
 * The trail as one list of entries: `audit_events` rows where `events` hold, and the changes of
 * `audit_applied` groups (g) expanded (x, with their position `ord`) where `groups` hold; each with
 * its entry id `eid`. Null `groups`: events only.
 */
function entriesSql(events: readonly string[], groups: readonly string[] | null, limit?: number): string {
  // With a limit, only the newest `limit` events can be on the page (one entry per row, ids grow).
  const eventsSql = `(SELECT id * ${ENTRIES_PER_ROW} AS eid, ${COLUMNS} FROM audit_events WHERE ${events.join(' AND ')}${
    limit === undefined ? '' : ` ORDER BY id DESC LIMIT ${limit}`
  })`;
  if (groups === null) return `SELECT * FROM ${eventsSql} entries`;
  return `SELECT * FROM (
    ${eventsSql}
    UNION ALL
    SELECT g.id * ${ENTRIES_PER_ROW} + x.ord, x.at_ms, ${APPLIED_KIND}, g.actor, g.tenant, NULL, x.c, x.record_id,
           NULL, NULL, 'log', NULL,
           CASE WHEN x.rollback_to IS NOT NULL
             THEN jsonb_build_object('to', x.rollback_to, 'v', x.v, 'seq', x.seq, 'backfilled', true)
             WHEN x.mid IS NULL THEN jsonb_build_object('v', x.v, 'seq', x.seq, 'backfilled', true)
             ELSE jsonb_build_object('mid', x.mid, 'v', x.v, 'seq', x.seq, 'backfilled', true)
           END
    FROM audit_applied g
    CROSS JOIN LATERAL unnest(g.ords, g.seqs, g.cs, g.record_ids, g.vs, g.mids, g.ats, g.rollback_tos)
      AS x(ord, seq, c, record_id, v, mid, at_ms, rollback_to)
    WHERE ${groups.join(' AND ')}
  ) entries`;
}

interface WriterRow extends SqlRow {
  watermark: unknown;
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
    id: String(row.eid),
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
