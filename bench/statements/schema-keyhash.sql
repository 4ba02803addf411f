-- schema.sql with the key's uniqueness held by a hash index's exclusion constraint instead of the B-tree primary key.
\ir schema.sql
ALTER TABLE event_key DROP CONSTRAINT event_key_pkey;
ALTER TABLE event_key ADD CONSTRAINT event_key_excl EXCLUDE USING hash (digest WITH =);
