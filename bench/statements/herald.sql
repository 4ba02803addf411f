-- Herald's one-statement append (EventWriter.INSERT) with its values made in SQL: 100 events, keys claimed, events stored.
\set party random(50000000, 50099999)
WITH input AS MATERIALIZED (
  SELECT gen_random_uuid() AS digest, 'https://ttd.apps.altinn.no/ttd/bench/instances/' || :party || '/' || gen_random_uuid() AS source, gen_random_uuid()::text AS id, sha256(gen_random_uuid()::text::bytea) AS hash, 'app.instance.process.movedTo.Task_2' AS type, 'urn:altinn:resource:app_ttd_bench' AS resource, '/party/' || :party AS subject, '/person/1224791' || lpad(floor(random() * 10000)::int::text, 4, '0') AS alternative_subject, :party || '/' || gen_random_uuid() AS resource_instance, gen_random_uuid()::text AS instance_id, now() AS time, rpad('{"specversion":"1.0"', 830, 'x') AS body, nextval('event_seq') AS seq, g AS ord FROM generate_series(1, 100) g
), stamp AS MATERIALIZED (SELECT now() AS stored_at, pg_current_xact_id()::text::bigint AS tx
), claimed AS (
  INSERT INTO event_key (digest, content_hash, tx, seq, stored_at) SELECT i.digest, i.hash, s.tx, i.seq, s.stored_at FROM input i CROSS JOIN stamp s ORDER BY i.digest
), stored AS (
  INSERT INTO event (stored_at, tx, seq, source, id, type, resource, subject, alternative_subject, resource_instance, instance_id, time, body)
  SELECT s.stored_at, s.tx, i.seq, i.source, i.id, i.type, i.resource, i.subject, i.alternative_subject, i.resource_instance, i.instance_id, i.time, i.body FROM input i CROSS JOIN stamp s
)
SELECT i.ord, s.tx, i.seq FROM input i CROSS JOIN stamp s ORDER BY i.ord;
