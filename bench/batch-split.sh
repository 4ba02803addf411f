#!/usr/bin/env bash
# Where the machine's time goes in batch publishing: Herald started as bench/run-service.sh starts it, on a fresh
# database, 8 unmeasured rounds of batches of 100 at 8 clients, then WINDOWS windows of 10 s, each from a
# checkpoint; for each, events/s and microseconds per event of the whole machine (busy and idle, /proc/stat),
# Herald's JVM, PostgreSQL's backends serving Herald and the load process (wrk). Then the same windows of pgbench
# running run-service.sh's 100-row baseline (bench/target/service/pgbench/hundred-rows.sql: run that script first).
# Diagnosis, not a figure of the service (docs/benchmarks.md).
#
# Usage: bench/batch-split.sh [WINDOWS] [JAR]   (default: 3, api/target/herald-api-*.jar; ENV=value pairs in
#        BENCH_HERALD_ENV are given to Herald, e.g. BENCH_HERALD_ENV="HERALD_STORE_GROUP_COMMIT_WRITERS=3")
# Needs the bench cluster (BENCH_PG_PORT, default 5439), wrk and pgbench; drops and creates the database herald_split.
set -euo pipefail
cd "$(dirname "$0")/.."
windows=${1:-3}
jar=${2:-$(ls api/target/herald-api-*.jar | grep -v original | head -1)}
PGPORT=${BENCH_PG_PORT:-5439}; PORT=18181
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
copy=$(mktemp); cp "$jar" "$copy"
psql_ -d postgres -c "DROP DATABASE IF EXISTS herald_split WITH (FORCE)" -c "CREATE DATABASE herald_split" 2>/dev/null
# shellcheck disable=SC2086
env SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/herald_split" SPRING_DATASOURCE_USERNAME=postgres \
  HERALD_RATE_LIMIT_ENABLED=false HERALD_LOCAL_TOKEN_LIFETIME=4h HERALD_CONNECTIONS_MAX_PER_CLIENT=4096 ${BENCH_HERALD_ENV:-} \
  java -Xlog:disable -Xlog:all=warning:stderr -jar "$copy" --spring.profiles.active=local --server.port=$PORT \
  > bench/target/batch-split-herald.log 2>&1 &
herald=$!
trap 'kill $herald 2>/dev/null; wait $herald 2>/dev/null; rm -f "$copy"' EXIT
timeout 120 bash -c "until curl -fs http://127.0.0.1:$PORT/actuator/health >/dev/null 2>&1; do sleep 0.5; done"
token=$(curl -fs -X POST "http://127.0.0.1:$PORT/local/token" -H 'Content-Type: application/json' \
  -d '{"scopes":["altinn:events.publish"],"org":"ttd"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
backends() { local sum=0 p; for p in $(pgrep -u postgres -f "postgres: .* herald_split"); do sum=$(( sum + $(ticks "$p") )); done; echo $sum; }
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
report() { # label events seconds busy idle herald postgres load
  awk -v l="$1" -v e="$2" -v s="$3" -v b="$4" -v i="$5" -v h="$6" -v p="$7" -v w="$8" 'BEGIN {
    u = 1e4 / e; printf "%-16s %8.0f events/s   µs per event: busy %5.1f  idle %5.1f  Herald %5.1f  PostgreSQL %5.1f  load %4.1f\n",
      l, e / s, b * u, i * u, (h == "" ? 0 : h * u), p * u, w * 1e6 / e }'
}
herald_window() { # label
  local h0 p0 m0 h1 p1 m1 out requests duration load
  h0=$(ticks $herald); p0=$(backends); m0=$(machine)
  out=$(env BENCH_RUN="split-$1-$RANDOM" BENCH_TOKEN="$token" BENCH_BATCH=100 /usr/bin/time -f "load=%U+%S" \
    wrk -t2 -c8 -d10s --timeout 30s -s bench/service/publish.lua "http://127.0.0.1:$PORT/events/api/v1/events" 2>&1)
  h1=$(ticks $herald); p1=$(backends); m1=$(machine)
  requests=$(sed -nE 's/^RESULT requests=([0-9]+).*/\1/p' <<<"$out"); duration=$(sed -nE 's/.*duration_us=([0-9]+).*/\1/p' <<<"$out")
  load=$(sed -nE 's/^load=(.*)/\1/p' <<<"$out" | bc)
  read -r b0 i0 <<<"$m0"; read -r b1 i1 <<<"$m1"
  report "$1" $(( requests * 100 )) "$(bc -l <<<"$duration / 1000000")" $(( b1 - b0 )) $(( i1 - i0 )) $(( h1 - h0 )) $(( p1 - p0 )) "$load"
}
for round in $(seq 1 8); do herald_window "warm-up $round" >/dev/null; done
for w in $(seq 1 "$windows"); do psql_ -d postgres -c CHECKPOINT; herald_window "Herald $w"; done

baseline=bench/target/service/pgbench/hundred-rows.sql
if [[ -f $baseline ]] && psql_ -d bench_baseline -c "SELECT 1 FROM bench_event LIMIT 1" >/dev/null 2>&1; then
  for w in $(seq 1 "$windows"); do
    psql_ -d postgres -c CHECKPOINT
    m0=$(machine)
    out=$(/usr/bin/time -f "load=%U+%S" pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c 8 -j 2 -T 10 -f "$baseline" bench_baseline 2>&1)
    m1=$(machine); read -r b0 i0 <<<"$m0"; read -r b1 i1 <<<"$m1"
    tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | head -1)
    rows=$(printf %.0f "$(bc -l <<<"$tps * 1000")")
    # pgbench's backends end with its run: PostgreSQL's share is the machine's busy time less pgbench's own
    load=$(sed -nE 's/^load=(.*)/\1/p' <<<"$out" | bc)
    report "pgbench $w" "$rows" 10 $(( b1 - b0 )) $(( i1 - i0 )) "" "$(bc -l <<<"$b1 - $b0 - $load * 100")" "$load"
  done
else
  echo "no pgbench baseline: run bench/run-service.sh --scenarios=batch first" >&2
fi
