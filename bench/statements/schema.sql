-- Applied after the store's own migrations (bench/run-statements.sh runs them first, as Flyway would): the current
-- month's partition of the event log, and an unpartitioned copy of the event table (event_plain) with its indexes for
-- the baseline's statement.
DO $$ BEGIN
    EXECUTE format('CREATE TABLE event_current PARTITION OF event FOR VALUES FROM (%L) TO (%L)',
                   date_trunc('month', now()), date_trunc('month', now()) + interval '1 month');
END $$;
CREATE TABLE event_plain (LIKE event INCLUDING DEFAULTS INCLUDING INDEXES);
