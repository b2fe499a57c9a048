-- Core of the sync storage (DESIGN §1): records, their history, the change log, replay protection, locks.
-- Every statement is idempotent; the runner also records this file in sync_migrations.

-- The head of the change log. `seq` is the highest committed seq: it is advanced inside the
-- committing transaction while the log-append advisory lock is held, so seq order = commit order.
-- `pruned_through`: log entries with seq <= this were deleted by pruning.
CREATE TABLE IF NOT EXISTS sync_head (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  pruned_through bigint NOT NULL
);
INSERT INTO sync_head (id, seq, pruned_through) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING;

-- The current version of every record. `fields` maps field id (as text) to value.
CREATE TABLE IF NOT EXISTS sync_records (
  c text NOT NULL,
  id text NOT NULL,
  scope text NOT NULL,
  v integer NOT NULL,
  seq bigint NOT NULL,
  fields jsonb NOT NULL,
  del boolean NOT NULL DEFAULT false,
  updated_by text NOT NULL,
  updated_at_ms bigint NOT NULL,
  PRIMARY KEY (c, id)
);
CREATE INDEX IF NOT EXISTS sync_records_scope ON sync_records (scope);

-- Every committed version, kept forever (R4.2): what the merge of later mutations reads, what
-- history shows and what rollback returns to. `cid`/`mid`/`base` name the mutation that wrote it;
-- `submitted` holds its ops as sent when they differ from `ops` (text transformed, conflicts dropped).
CREATE TABLE IF NOT EXISTS sync_history (
  c text NOT NULL,
  id text NOT NULL,
  v integer NOT NULL,
  seq bigint NOT NULL,
  by text NOT NULL,
  at_ms bigint NOT NULL,
  ops jsonb NOT NULL,
  fields jsonb NOT NULL,
  del boolean NOT NULL DEFAULT false,
  rollback_of integer,
  cid text,
  mid bigint,
  base integer,
  submitted jsonb,
  PRIMARY KEY (c, id, v)
);
CREATE INDEX IF NOT EXISTS sync_history_mutation ON sync_history (cid, mid) WHERE cid IS NOT NULL;

-- The change log that channels replay from (DESIGN §1); pruned by age, unlike history.
CREATE TABLE IF NOT EXISTS sync_log (
  seq bigint PRIMARY KEY,
  scope text NOT NULL,
  c text NOT NULL,
  id text NOT NULL,
  v integer NOT NULL,
  ops jsonb NOT NULL,
  del boolean NOT NULL DEFAULT false,
  by text NOT NULL,
  at_ms bigint NOT NULL,
  cid text,
  mid bigint
);
CREATE INDEX IF NOT EXISTS sync_log_scope_seq ON sync_log (scope, seq);
CREATE INDEX IF NOT EXISTS sync_log_at ON sync_log (at_ms);

-- Replay protection (R11.2): the highest mutation id processed per client, kept forever.
CREATE TABLE IF NOT EXISTS sync_client_mutations (
  client_id text PRIMARY KEY,
  last_mid bigint NOT NULL
);

-- Field and record locks (R4.1, R10.2). f = -1 is a record-level lock. A row past its expiry is free.
CREATE TABLE IF NOT EXISTS sync_locks (
  c text NOT NULL,
  id text NOT NULL,
  f integer NOT NULL,
  scope text NOT NULL,
  user_id text NOT NULL,
  user_name text NOT NULL,
  session_id text,
  expires_at_ms bigint NOT NULL,
  PRIMARY KEY (c, id, f)
);
CREATE INDEX IF NOT EXISTS sync_locks_session ON sync_locks (session_id);
CREATE INDEX IF NOT EXISTS sync_locks_scope ON sync_locks (scope);
CREATE INDEX IF NOT EXISTS sync_locks_expiry ON sync_locks (expires_at_ms);
