-- schema.sql with the key's digest and content hash in the event row, unique per month's partition.
\ir schema.sql
ALTER TABLE event ADD COLUMN digest uuid;
ALTER TABLE event ADD COLUMN content_hash bytea;
CREATE UNIQUE INDEX ON event_current (digest);
