-- event_key keyed by a 16-byte digest of (resource, source, id) instead of the three texts: an index
-- entry of 16 bytes instead of 150-250, so the index of three months of keys fits in memory and each
-- publish writes less (docs/adr/0003-group-commit-and-idempotency.md). The digest is the first 8
-- bytes of the SHA-256 of the id, then the first 8 bytes of the SHA-256 of resource NUL source NUL id
-- (KeyDigest); leading with the id's own digest keeps the look-up of an id (after=<event id>) on the
-- primary key. The texts stay in the event rows, where the look-up of an id compares them.
-- The keys are copied into a new table rather than updated in place, which would leave a dead
-- version of every row behind. Instances of the previous version cannot write to this table: stop
-- them all before the first instance of this version starts (docs/operations.md, "Upgrade").
CREATE TABLE event_key_by_digest (
    digest       uuid        NOT NULL,
    content_hash bytea       NOT NULL,
    tx           bigint      NOT NULL,
    seq          bigint      NOT NULL,
    stored_at    timestamptz NOT NULL
);

INSERT INTO event_key_by_digest (digest, content_hash, tx, seq, stored_at)
SELECT encode(substr(sha256(convert_to(id, 'UTF8')), 1, 8)
              || substr(sha256(convert_to(resource, 'UTF8') || '\x00'::bytea || convert_to(source, 'UTF8')
                               || '\x00'::bytea || convert_to(id, 'UTF8')), 1, 8), 'hex')::uuid,
       content_hash, tx, seq, stored_at
FROM event_key
ORDER BY stored_at;

DROP TABLE event_key;
ALTER TABLE event_key_by_digest RENAME TO event_key;
ALTER TABLE event_key ADD CONSTRAINT event_key_pkey PRIMARY KEY (digest);
-- as in V1: stored_at grows with the insert order, so a BRIN index serves retention at almost no cost
CREATE INDEX event_key_stored_at ON event_key USING brin (stored_at);
