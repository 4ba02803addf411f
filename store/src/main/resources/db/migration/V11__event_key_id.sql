-- Feed readers of the platform's API resume after "the id of the last event read" (after=<event id>);
-- this index finds that event's position without a scan. Flyway keeps a transaction open while it
-- migrates, so CREATE INDEX CONCURRENTLY would wait on it for ever: an operator with a large event_key
-- who wants no write pause runs "CREATE INDEX CONCURRENTLY IF NOT EXISTS event_key_id ON event_key (id)"
-- before upgrading, and this statement then does nothing (docs/operations.md).
CREATE INDEX IF NOT EXISTS event_key_id ON event_key (id);
