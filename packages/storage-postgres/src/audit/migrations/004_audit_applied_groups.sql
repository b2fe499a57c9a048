-- R14.1 (issue 10, audit cost): applied changes (mutations and rollbacks) copied from the change log
-- are stored one row per writer per import batch, with the changes as parallel arrays, instead of one
-- audit_events row each. Copying a change then costs an array element, not a heap row and four index
-- entries; the query API expands the arrays, so every change is still its own entry.
-- A batch's rows share one id from audit_events' sequence, taken when the batch is claimed, and each
-- change keeps its position in the batch (1 … 1000, in seq order): entry ids are id × 1024 + position,
-- and events of audit_events are id × 1024. One order across both tables, seq order within a batch.
-- Idempotent.
CREATE TABLE IF NOT EXISTS audit_applied (
  id bigint NOT NULL,
  -- Epoch ms of the group's newest change (retention prunes by it) and of its oldest.
  at_ms bigint NOT NULL,
  first_at_ms bigint NOT NULL,
  actor text NOT NULL,
  tenant text,
  scope text NOT NULL,
  -- One element per change, in seq order. ords: its position in the batch; rollback_tos: the version a
  -- rollback returned to, null for a mutation.
  ords integer[] NOT NULL,
  seqs bigint[] NOT NULL,
  cs text[] NOT NULL,
  record_ids text[] NOT NULL,
  vs integer[] NOT NULL,
  mids bigint[] NOT NULL,
  ats bigint[] NOT NULL,
  rollback_tos integer[] NOT NULL
);
-- Stored uncompressed: pglz compression of a batch's arrays cost more than the rest of the import
-- together (about 2.5 ms per 1 000 changes on PostgreSQL 15); ids and seqs compress poorly anyway.
ALTER TABLE audit_applied
  ALTER COLUMN ords SET STORAGE EXTERNAL, ALTER COLUMN seqs SET STORAGE EXTERNAL,
  ALTER COLUMN cs SET STORAGE EXTERNAL, ALTER COLUMN record_ids SET STORAGE EXTERNAL,
  ALTER COLUMN vs SET STORAGE EXTERNAL, ALTER COLUMN mids SET STORAGE EXTERNAL,
  ALTER COLUMN ats SET STORAGE EXTERNAL, ALTER COLUMN rollback_tos SET STORAGE EXTERNAL;
CREATE INDEX IF NOT EXISTS audit_applied_tenant_id ON audit_applied (tenant, id);
CREATE INDEX IF NOT EXISTS audit_applied_actor ON audit_applied (actor, at_ms);
CREATE INDEX IF NOT EXISTS audit_applied_at ON audit_applied USING brin (at_ms);
