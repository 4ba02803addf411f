-- One index on event_key instead of two: the primary key leads with the event id, so the look-up of
-- an id (feeds that resume after=<event id>) uses it, and event_key_id (V11) goes. Each publish then
-- writes one index entry for its key instead of two (docs/adr/0003-group-commit.md).
-- The unique index is built first and the primary key takes it over: an operator with a large event_key
-- who wants no write pause builds it beforehand, while the old version runs, with
-- "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS event_key_by_id ON event_key (id, resource, source)",
-- and this statement then does nothing (docs/operations.md).
CREATE UNIQUE INDEX IF NOT EXISTS event_key_by_id ON event_key (id, resource, source);
ALTER TABLE event_key DROP CONSTRAINT event_key_pkey;
ALTER TABLE event_key ADD CONSTRAINT event_key_pkey PRIMARY KEY USING INDEX event_key_by_id;
DROP INDEX IF EXISTS event_key_id;
