-- schema.sql with the subject, alternative subject and instance indexes on a 64-bit hash of the text instead of the
-- text (a feed query would recheck the text): narrower keys, compared as integers.
\ir schema.sql
DROP INDEX event_subject, event_alternative_subject, event_instance;
CREATE INDEX event_subject ON event (hashtextextended(subject, 0), tx, seq) WHERE subject IS NOT NULL;
CREATE INDEX event_alternative_subject ON event (hashtextextended(alternative_subject, 0), tx, seq) WHERE alternative_subject IS NOT NULL;
CREATE INDEX event_instance ON event (hashtextextended(instance_id, 0), tx, seq) WHERE instance_id IS NOT NULL;
