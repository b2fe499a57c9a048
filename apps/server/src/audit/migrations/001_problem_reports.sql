-- R15.2 "report a problem": the client's diagnostic bundle with the user's audit events of the hour
-- before it. Pruned with the audit trail (AUDIT_RETENTION_DAYS).
CREATE TABLE IF NOT EXISTS problem_reports (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL,
  at_ms bigint NOT NULL,
  description text,
  diagnostics jsonb NOT NULL,
  audit_events jsonb NOT NULL,
  user_agent text
);
CREATE INDEX IF NOT EXISTS problem_reports_user ON problem_reports (user_id, id DESC);
CREATE INDEX IF NOT EXISTS problem_reports_at ON problem_reports (at_ms);
