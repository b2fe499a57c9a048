-- R14.1, R14.2: a member's connection-level (tenant-less) events show in a tenant's trail only for
-- sessions that acted in that tenant (joined one of its topics, wrote to it …). The query looks that
-- up per candidate event by session. Only events with both a session and a tenant are indexed.
-- Idempotent.
CREATE INDEX IF NOT EXISTS audit_events_session_tenant ON audit_events (session_id, tenant)
  WHERE session_id IS NOT NULL AND tenant IS NOT NULL;
