-- R12.2, R13.1 (issue 8 item 3): photo attachments of the team chat, each stored as the variants the
-- browser made (`full`, and `small`: compressed harder for cellular and data saver). A media id belongs
-- to one supplier team, fixed by its first upload; a variant's bytes never change once written
-- (they are served as immutable).
CREATE TABLE IF NOT EXISTS media_variants (
  media_id text NOT NULL,
  variant text NOT NULL,
  supplier_id text NOT NULL,
  content_type text NOT NULL,
  bytes bytea NOT NULL,
  uploaded_by text NOT NULL,
  uploaded_at_ms bigint NOT NULL,
  PRIMARY KEY (media_id, variant)
);
