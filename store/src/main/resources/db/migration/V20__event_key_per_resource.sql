-- Idempotency keys are scoped by resource: (resource, source, id). Only those who may publish to a
-- resource can take its keys, so one publisher's (source, id) can no longer make another's event
-- a duplicate or a conflict. docs/adr/0013-publish-rights-forwarded-headers-and-slow-clients.md.

ALTER TABLE event_key ADD COLUMN resource text;

UPDATE event_key k SET resource = e.resource FROM event e WHERE e.seq = k.seq AND e.tx = k.tx;

-- a key whose event is gone (retention drops events before keys) has nothing left to deduplicate
DELETE FROM event_key WHERE resource IS NULL;

ALTER TABLE event_key ALTER COLUMN resource SET NOT NULL;
ALTER TABLE event_key DROP CONSTRAINT event_key_pkey;
ALTER TABLE event_key ADD PRIMARY KEY (resource, source, id);
