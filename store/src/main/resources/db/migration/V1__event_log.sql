-- The event log: append-only, partitioned by month of storage, read in (tx, seq) order.
-- See docs/adr/0002-cursor.md for why positions are (transaction id, sequence) pairs.

CREATE SEQUENCE event_seq AS bigint;

CREATE TABLE event (
    stored_at           timestamptz NOT NULL,
    -- the writing transaction's id; a row is readable once every transaction below it has ended
    tx                  bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    seq                 bigint      NOT NULL,
    source              text        NOT NULL,
    id                  text        NOT NULL,
    type                text        NOT NULL,
    resource            text        NOT NULL,
    subject             text,
    alternative_subject text,
    resource_instance   text,
    instance_id         text,
    -- the event's own time, or the time Herald stored it when the event carries none
    time                timestamptz NOT NULL,
    body                text        NOT NULL
) PARTITION BY RANGE (stored_at);

CREATE INDEX event_position ON event (tx, seq);
CREATE INDEX event_resource ON event (resource, tx, seq);
CREATE INDEX event_subject ON event (subject, tx, seq) WHERE subject IS NOT NULL;
CREATE INDEX event_alternative_subject ON event (alternative_subject, tx, seq) WHERE alternative_subject IS NOT NULL;
CREATE INDEX event_instance ON event (instance_id, tx, seq) WHERE instance_id IS NOT NULL;

-- One row per (source, id) ever stored and still retained: idempotent publishing across partitions.
CREATE TABLE event_key (
    source       text        NOT NULL,
    id           text        NOT NULL,
    content_hash bytea       NOT NULL,
    tx           bigint      NOT NULL,
    seq          bigint      NOT NULL,
    stored_at    timestamptz NOT NULL,
    PRIMARY KEY (source, id)
);

-- stored_at grows with the insert order, so a BRIN index serves retention at almost no cost per publish
CREATE INDEX event_key_stored_at ON event_key USING brin (stored_at);
