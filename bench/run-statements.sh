#!/usr/bin/env bash
# What Herald's append statement costs PostgreSQL, without Herald: pgbench runs each statement in bench/statements/
# (100 events a transaction, values made in SQL, 8 clients) on a fresh database, 20 s unmeasured and then 10 s
# measured, and prints its rows/s and the whole machine's CPU per row (/proc/stat). Variants of the statement and
# of the schema tell what the idempotency key, partition routing and the statement's shape each cost
# (docs/benchmarks.md, the run of 2026-12-07 11:16). Diagnosis, not a figure of the service.
#
# The schema is the store's own migrations (store/src/main/resources/db/migration) and bench/statements/schema.sql.
#
# Usage: bench/run-statements.sh [ROUNDS] [VARIANT...]   (default: 3 rounds of all seven)
#   herald           Herald's statement (herald.sql) on Herald's schema (schema.sql)
#   nokey            the same without claiming the keys
#   direct           the same inserting straight into the month's partition rather than through the partitioned table
#   keyhash          herald.sql with the key's uniqueness held by a hash index's exclusion constraint (schema-keyhash.sql)
#   keyinrow         the key's digest and content hash in the event row, unique per month's partition, no key table
#   textidx          herald.sql with the subject, alternative subject and instance indexes on the text, as before V54
#                    (until 2026-12-07 13:30 the variant was hashidx, the other way round: hashes on a schema of texts)
#   baseline-varied  the run's pgbench baseline statement with alternative subjects as varied as Herald's events
# Needs the bench cluster (BENCH_PG_PORT, default 5439) and pgbench; drops and creates the database bench_statements.
set -euo pipefail
cd "$(dirname "$0")/statements"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp herald.sql baseline-varied.sql "$work"/  # keyhash and textidx run herald.sql on a schema of their own
sed -e '/claimed AS (/,/ORDER BY i.digest/d' herald.sql > "$work/nokey.sql"
sed -e 's/INSERT INTO event (/INSERT INTO event_current (/' herald.sql > "$work/direct.sql"
sed -e '/claimed AS (/,/ORDER BY i.digest/d' -e 's/INSERT INTO event (stored_at, tx, seq,/INSERT INTO event (digest, content_hash, stored_at, tx, seq,/' \
    -e 's/  SELECT s.stored_at, s.tx, i.seq,/  SELECT i.digest, i.hash, s.stored_at, s.tx, i.seq,/' herald.sql > "$work/keyinrow.sql"
rounds=${1:-3}; shift || true
variants=("$@"); (( ${#variants[@]} )) || variants=(herald nokey direct keyhash keyinrow textidx baseline-varied)
PGPORT=${BENCH_PG_PORT:-5439}
psql_() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
for round in $(seq 1 "$rounds"); do
  for v in "${variants[@]}"; do
    schema=schema.sql; [[ -f schema-$v.sql ]] && schema=schema-$v.sql
    statement=$work/$v.sql; [[ -f $statement ]] || statement=$work/herald.sql
    psql_ -d postgres -c "DROP DATABASE IF EXISTS bench_statements WITH (FORCE)" -c "CREATE DATABASE bench_statements" 2>/dev/null
    for migration in $(ls ../../store/src/main/resources/db/migration/V*.sql | sort -V); do
      psql_ -d bench_statements -f "$migration" >/dev/null
    done
    psql_ -d bench_statements -f "$schema" >/dev/null
    pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c 8 -j 2 -T 20 -f "$statement" bench_statements >/dev/null 2>&1
    before=$(busy)
    tps=$(pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c 8 -j 2 -T 10 -f "$statement" bench_statements 2>&1 \
      | sed -nE 's/^tps = ([0-9.]+).*/\1/p' | head -1)
    ticks=$(( $(busy) - before ))
    awk -v r="$round" -v v="$v" -v tps="$tps" -v t="$ticks" \
      'BEGIN { printf "round %d %-16s rows/s %7.0f  machine CPU per row %5.1f us\n", r, v, tps * 100, t * 10000 / (tps * 100 * 10) }'
  done
done
psql_ -d postgres -c "DROP DATABASE IF EXISTS bench_statements WITH (FORCE)" >/dev/null
