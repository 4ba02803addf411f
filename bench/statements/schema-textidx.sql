-- schema.sql with the subject, alternative subject and instance indexes on the text, as before V54 (ADR 0025):
-- what the hash of the text saves each insert.
\ir schema.sql
DROP INDEX event_subject, event_alternative_subject, event_instance;
CREATE INDEX event_subject ON event (subject, tx, seq) WHERE subject IS NOT NULL;
CREATE INDEX event_alternative_subject ON event (alternative_subject, tx, seq) WHERE alternative_subject IS NOT NULL;
CREATE INDEX event_instance ON event (instance_id, tx, seq) WHERE instance_id IS NOT NULL;
