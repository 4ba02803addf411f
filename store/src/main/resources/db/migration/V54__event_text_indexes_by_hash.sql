-- The subject, alternative subject and instance indexes hold a 64-bit hash of the text instead of the text
-- (docs/adr/0025-text-indexes-by-hash.md): an entry of 8 bytes instead of 20-60 that compares as an integer,
-- some 4 µs of PostgreSQL's time less per stored event (bench/run-statements.sh, variant hashidx). A feed query
-- finds its rows by the hash and compares the texts of the rows it read (FeedReader), so two texts with one hash
-- cost a row read, never a wrong event. hashtextextended is PostgreSQL's hash of text for hash partitioning,
-- stable across versions. The indexes are not partial (V1's left out events without the attribute): PostgreSQL
-- estimates a condition on an index's expression from that index's statistics only when the index is not partial,
-- and without them it takes a frequent subject for a rare one. An event without the attribute adds an entry with
-- a null hash, at the index's end. Rebuilding the three indexes locks the log against writes while it runs: on a
-- large log, run this version's first start in a quiet hour (docs/operations.md, "Upgrade").
DROP INDEX event_subject, event_alternative_subject, event_instance;
CREATE INDEX event_subject ON event (hashtextextended(subject, 0), tx, seq);
CREATE INDEX event_alternative_subject ON event (hashtextextended(alternative_subject, 0), tx, seq);
CREATE INDEX event_instance ON event (hashtextextended(instance_id, 0), tx, seq);
