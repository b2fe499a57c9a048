-- R14.1 (issue 10, audit cost): the tenant index ascending. Ids only grow, so in (tenant, id DESC)
-- every insert lands at the left end of its tenant's range and splits leaves in half; ascending, it
-- appends at the right end. A backward scan serves the query API's newest-first order. Idempotent.
CREATE INDEX IF NOT EXISTS audit_events_tenant_id ON audit_events (tenant, id);
DROP INDEX IF EXISTS audit_events_tenant;
