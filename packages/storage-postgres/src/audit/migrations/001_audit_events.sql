-- R14.1 audit trail: append-only sync events (who, tenant, topic/record, node, time). Written in
-- batches by AuditTrail; pruned by age (AUDIT_RETENTION_DAYS, default 90). Every statement is idempotent.
CREATE TABLE IF NOT EXISTS audit_events (
  id bigserial PRIMARY KEY,
  at_ms bigint NOT NULL,
  kind text NOT NULL,
  actor text,
  tenant text,
  topic text,
  scope text,
  c text,
  record_id text,
  code text,
  reason text,
  node text NOT NULL,
  session_id text,
  details jsonb
);
-- The query API reads one tenant (plus its members' tenant-less events) newest first.
CREATE INDEX IF NOT EXISTS audit_events_tenant ON audit_events (tenant, id DESC);
CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, at_ms);
-- Retention deletes by age; rows arrive in about time order, so a block-range index is enough and cheap.
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events USING brin (at_ms);
-- One applied change (mutation or rollback) is in the trail once, whether written live or backfilled
-- from the history after a crash lost the buffer.
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_change_seq
  ON audit_events (((details->>'seq')::bigint))
  WHERE kind IN ('mutation_applied', 'rollback') AND details ? 'seq';
-- How far the change log has been checked for applied changes the trail lacks (SqlAuditStore.backfillApplied).
CREATE TABLE IF NOT EXISTS audit_backfill (
  id smallint PRIMARY KEY CHECK (id = 1),
  checked_seq bigint NOT NULL
);
