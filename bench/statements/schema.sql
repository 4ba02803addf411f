-- The event log and idempotency key tables as Herald's migrations make them (V1, V53), the current month's partition,
-- and an unpartitioned copy of the event table (event_plain) for the baseline's statement.
CREATE SEQUENCE event_seq AS bigint;
CREATE TABLE event (
    stored_at timestamptz NOT NULL, tx bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint), seq bigint NOT NULL,
    source text NOT NULL, id text NOT NULL, type text NOT NULL, resource text NOT NULL, subject text, alternative_subject text,
    resource_instance text, instance_id text, time timestamptz NOT NULL, body text NOT NULL
) PARTITION BY RANGE (stored_at);
CREATE INDEX event_position ON event (tx, seq);
CREATE INDEX event_resource ON event (resource, tx, seq);
CREATE INDEX event_subject ON event (subject, tx, seq) WHERE subject IS NOT NULL;
CREATE INDEX event_alternative_subject ON event (alternative_subject, tx, seq) WHERE alternative_subject IS NOT NULL;
CREATE INDEX event_instance ON event (instance_id, tx, seq) WHERE instance_id IS NOT NULL;
DO $$ BEGIN
    EXECUTE format('CREATE TABLE event_current PARTITION OF event FOR VALUES FROM (%L) TO (%L)',
                   date_trunc('month', now()), date_trunc('month', now()) + interval '1 month');
END $$;
CREATE TABLE event_plain (LIKE event INCLUDING DEFAULTS);
CREATE INDEX ON event_plain (tx, seq);
CREATE INDEX ON event_plain (resource, tx, seq);
CREATE INDEX ON event_plain (subject, tx, seq) WHERE subject IS NOT NULL;
CREATE INDEX ON event_plain (alternative_subject, tx, seq) WHERE alternative_subject IS NOT NULL;
CREATE INDEX ON event_plain (instance_id, tx, seq) WHERE instance_id IS NOT NULL;
CREATE TABLE event_key (digest uuid NOT NULL, content_hash bytea NOT NULL, tx bigint NOT NULL, seq bigint NOT NULL, stored_at timestamptz NOT NULL);
ALTER TABLE event_key ADD CONSTRAINT event_key_pkey PRIMARY KEY (digest);
CREATE INDEX event_key_stored_at ON event_key USING brin (stored_at);
