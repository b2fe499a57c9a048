-- R16.1, R16.2 sync analytics as a time series. Each node adds its figures to its own row of each
-- minute (sums of client reports, highest live users/subscriptions); minutes are kept a day, hours
-- (rolled up from the minutes of every node) 90 days. `tenant` = '*' holds the figures of all tenants.
CREATE TABLE IF NOT EXISTS analytics_minutes (
  bucket_ms bigint NOT NULL,
  tenant text NOT NULL,
  node text NOT NULL,
  reports integer NOT NULL,
  window_ms bigint NOT NULL,
  connected_ms bigint NOT NULL,
  latency_count integer NOT NULL,
  latency_sum_ms double precision NOT NULL,
  latency_samples jsonb NOT NULL,
  messages bigint NOT NULL,
  reconnects integer NOT NULL,
  sync_attempts integer NOT NULL,
  sync_failures integer NOT NULL,
  conflicts integer NOT NULL,
  users_max integer NOT NULL,
  subscriptions_max integer NOT NULL,
  PRIMARY KEY (tenant, bucket_ms, node)
);
CREATE INDEX IF NOT EXISTS analytics_minutes_bucket ON analytics_minutes (bucket_ms);

CREATE TABLE IF NOT EXISTS analytics_hours (
  bucket_ms bigint NOT NULL,
  tenant text NOT NULL,
  reports integer NOT NULL,
  window_ms bigint NOT NULL,
  connected_ms bigint NOT NULL,
  latency_count integer NOT NULL,
  latency_sum_ms double precision NOT NULL,
  latency_samples jsonb NOT NULL,
  messages bigint NOT NULL,
  reconnects integer NOT NULL,
  sync_attempts integer NOT NULL,
  sync_failures integer NOT NULL,
  conflicts integer NOT NULL,
  users_max integer NOT NULL,
  subscriptions_max integer NOT NULL,
  PRIMARY KEY (tenant, bucket_ms)
);
CREATE INDEX IF NOT EXISTS analytics_hours_bucket ON analytics_hours (bucket_ms);
