-- Durable, claimable work of the WedSync model (R8 journeys, R9 meeting reminders): one row per unit
-- of work, claimed by one node at a time with a lease, so each unit runs exactly once across nodes.
-- Every statement is idempotent; the runner records this file in sync_migrations.
--
-- kind: 'journey_run' (key = journey_runs record id) | 'meeting_reminder' (key = meetingId:startAtMs:userId).
-- status: pending -> claimed (lease_until_ms) -> pending (rescheduled) | done | failed | cancelled.
-- A claimed row whose lease ran out (its node died) is claimable again; `claims` grows with every
-- claim and fences the holder: a release naming an older claim changes nothing.
-- phase: what the holder was doing ('sending' while an external action is in flight), so the next
-- holder knows an action was interrupted.
CREATE TABLE IF NOT EXISTS wedding_due_work (
  kind text NOT NULL,
  key text NOT NULL,
  due_at_ms bigint NOT NULL,
  status text NOT NULL,
  claims integer NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  claimed_by text,
  lease_until_ms bigint,
  phase text,
  last_error text,
  payload jsonb,
  updated_at_ms bigint NOT NULL,
  done_at_ms bigint,
  PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS wedding_due_work_pending ON wedding_due_work (kind, status, due_at_ms);
CREATE INDEX IF NOT EXISTS wedding_due_work_lease ON wedding_due_work (kind, status, lease_until_ms);
