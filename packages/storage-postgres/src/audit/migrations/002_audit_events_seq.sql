-- R14.1 (issue 10, audit cost): an applied change's change-log position gets its own column with a
-- plain unique index, replacing the unique index on the jsonb expression `details->>'seq'`, which
-- every insert had to evaluate. `details.seq` stays (the query API shows it). Idempotent.
ALTER TABLE audit_events ADD COLUMN IF NOT EXISTS seq bigint;
UPDATE audit_events SET seq = (details->>'seq')::bigint
  WHERE seq IS NULL AND kind IN ('mutation_applied', 'rollback') AND details ? 'seq';
-- One applied change (mutation or rollback) is in the trail once, whether written live or copied
-- from the change log, by any node. Only applied changes carry a seq.
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_seq ON audit_events (seq) WHERE seq IS NOT NULL;
DROP INDEX IF EXISTS audit_events_change_seq;
