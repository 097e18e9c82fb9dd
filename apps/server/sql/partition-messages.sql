-- Opt-in: monthly range partitioning of `messages` by created_at (docs/scaling.md).
-- Run once, in a maintenance window, with the nodes stopped or draining:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f apps/server/sql/partition-messages.sql
-- One transaction: it either converts the table completely or changes nothing.
--
-- Unique constraints of a partitioned table must contain the partition key, so:
--   * (conversation_id, seq) becomes UNIQUE (conversation_id, seq, created_at). Gap-free seq never
--     relied on it: the next seq is taken under the conversation row's lock (architecture §1).
--   * (sender_id, client_msg_id) — idempotent send — moves to a small side table whose primary
--     key carries the same constraint name, filled by a row trigger, so the write path's
--     duplicate handling (SQLSTATE 23505 on messages_client_msg_id_unique) works unchanged.
-- New months need their partition before they begin: run
--   SELECT parley_create_message_partition(date_trunc('month', now() + interval '1 month')::date);
-- monthly (cron); rows of a month without one land in messages_default.

BEGIN;
LOCK TABLE messages IN ACCESS EXCLUSIVE MODE;

ALTER TABLE messages RENAME TO messages_unpartitioned;
ALTER TABLE messages_unpartitioned RENAME CONSTRAINT messages_pkey TO messages_unpartitioned_pkey;
ALTER TABLE messages_unpartitioned RENAME CONSTRAINT messages_seq_unique TO messages_unpartitioned_seq_unique;
ALTER TABLE messages_unpartitioned RENAME CONSTRAINT messages_client_msg_id_unique TO messages_unpartitioned_client_msg_id_unique;
-- Every secondary index of the table, whichever migration made it, is made again on the
-- partitioned table; the old ones go first so that their names are free.
CREATE TEMP TABLE messages_index_definitions ON COMMIT DROP AS
  SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
  WHERE i.indrelid = 'messages_unpartitioned'::regclass AND NOT i.indisprimary AND NOT i.indisunique;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT name FROM messages_index_definitions LOOP
    EXECUTE format('DROP INDEX %s', r.name);
  END LOOP;
END $$;

CREATE SEQUENCE messages_partitioned_id_seq;
SELECT setval('messages_partitioned_id_seq', COALESCE((SELECT max(id) FROM messages_unpartitioned), 0) + 1, false);

-- The same columns in the same order, with their defaults, whichever migrations added them.
CREATE TABLE messages (
  LIKE messages_unpartitioned INCLUDING DEFAULTS,
  CONSTRAINT messages_pkey PRIMARY KEY (id, created_at),
  CONSTRAINT messages_seq_unique UNIQUE (conversation_id, seq, created_at)
) PARTITION BY RANGE (created_at);
ALTER TABLE messages ALTER COLUMN id SET DEFAULT nextval('messages_partitioned_id_seq');
ALTER SEQUENCE messages_partitioned_id_seq OWNED BY messages.id;

CREATE INDEX messages_conversation_seq ON messages (conversation_id, seq);
CREATE INDEX messages_sender_client_msg_id ON messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT definition FROM messages_index_definitions LOOP
    EXECUTE regexp_replace(r.definition, ' ON (\S+[.])?messages_unpartitioned ', ' ON messages ');
  END LOOP;
END $$;
CREATE TABLE messages_default PARTITION OF messages DEFAULT;

CREATE TABLE message_client_ids (
  sender_id     bigint NOT NULL,
  client_msg_id text NOT NULL,
  message_id    bigint NOT NULL,
  CONSTRAINT messages_client_msg_id_unique PRIMARY KEY (sender_id, client_msg_id)
);

CREATE FUNCTION parley_claim_client_msg_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.client_msg_id IS NOT NULL THEN
    INSERT INTO message_client_ids (sender_id, client_msg_id, message_id) VALUES (NEW.sender_id, NEW.client_msg_id, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_claim_client_msg_id AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION parley_claim_client_msg_id();

CREATE FUNCTION parley_create_message_partition(month date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', month)::date;
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
    'messages_' || to_char(first, 'YYYYMM'), first, (first + interval '1 month')::date);
END $$;

SELECT parley_create_message_partition(m::date)
FROM generate_series(
  date_trunc('month', COALESCE((SELECT min(created_at) FROM messages_unpartitioned), now())),
  date_trunc('month', now()) + interval '2 months',
  interval '1 month') AS m;

INSERT INTO messages SELECT * FROM messages_unpartitioned;

DROP TABLE messages_unpartitioned;
INSERT INTO schema_migrations (version, name) VALUES (1001, 'opt-in: messages partitioned by month') ON CONFLICT DO NOTHING;
COMMIT;
