#!/usr/bin/env bash
# Herald as a user gets it: the built jar started as the README starts it (profile local) on a fresh
# database, warmed up until its CPU per request settles, driven over HTTP from separate load processes
# (wrk; bench's ServiceLoad for publish-to-receipt latency), each scenario beside baselines measured in the
# same run: pgbench inserting rows of the same shape, a bare Spring Boot endpoint (bench/bare-endpoint) and
# a bare JDK HttpClient against the same receivers. Writes docs/benchmarks.md's service table and the
# profiles of the publish, batch, pull and delivery scenarios (async-profiler, fetched from Maven Central:
# flame graphs and summaries in docs/profiles/, the collapsed stacks in bench/target/service/).
#
# Usage: bench/run-service.sh [--scenarios=publish,batch,pull,e2e,steady] [--quick] [--measure=SECONDS]
#                             [--pull-events=N] [--steady-seconds=N] [--no-write] [--no-profile]
# --quick: short windows (5 s), 2 warm-up rounds, a 200,000-event pull log, 15 s steady: a check, not figures.
# PostgreSQL: 127.0.0.1:${BENCH_PG_PORT:-5439}, user postgres, trust auth; databases herald_bench and
# bench_baseline are dropped and created. Loopback only; stops by itself (watchdog) and cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

scenarios=publish,batch,pull,e2e,steady
measure=10; warmup_round=10; warmup_min=8; warmup_max=20; pull_events=5000000; steady_seconds=60; write=1; profile=1; quick=0
for arg in "$@"; do
  case $arg in
    --scenarios=*) scenarios=${arg#*=} ;;
    --quick) quick=1; measure=5; warmup_round=5; warmup_min=2; warmup_max=2; pull_events=200000; steady_seconds=15 ;;
    --measure=*) measure=${arg#*=} ;;
    --pull-events=*) pull_events=${arg#*=} ;;
    --steady-seconds=*) steady_seconds=${arg#*=} ;;
    --no-write) write=0 ;;
    --no-profile) profile=0 ;;
    *) echo "unknown option $arg (see the header of $0)" >&2; exit 2 ;;
  esac
done
has() { [[ ",$scenarios," == *",$1,"* ]]; }

PGPORT=${BENCH_PG_PORT:-5439}
HERALD_PORT=${BENCH_HERALD_PORT:-18080}
BARE_PORT=${BENCH_BARE_PORT:-18081}
OUT=bench/target/service
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"
# an earlier run's profiles must not be summarised as this run's when a scenario is left out
rm -f "$OUT"/*.collapsed "$OUT"/*.html
LOG=$OUT/run.log
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
say() { echo "[$(date +%T)] $*" | tee -a "$LOG"; }

command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 2; }
command -v pgbench >/dev/null || { echo "pgbench is required (postgresql-client)" >&2; exit 2; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
# the whole run is bounded: the watchdog ends it after 90 minutes whatever happens
( sleep 5400; echo "run-service.sh: watchdog ended the run" >&2; kill -TERM $$ ) & pids+=($!)

say "building Herald, bench and the bare endpoint"
bench/classpath.sh
mvn -B -q -ntp -DskipTests -f bench/bare-endpoint/pom.xml package
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
# run copies, so that a build in this checkout while the run goes on cannot pull the jar from under a JVM
cp "$(ls api/target/herald-api-*.jar | grep -v original | head -1)" "$OUT/herald.jar"
cp "$(ls bench/bare-endpoint/target/herald-bare-endpoint-*.jar | grep -v original | head -1)" "$OUT/bare-endpoint.jar"
JAR=$OUT/herald.jar
BARE_JAR=$OUT/bare-endpoint.jar
# async-profiler samples Herald's CPU without slowing it down for what follows (a JFR recording with the
# profile settings ran the window it profiled at a tenth of the rate, and the batch window after it at half)
AP_VERSION=4.1
AP_LIB=$OUT/async-profiler/libasyncProfiler-$AP_VERSION.so
if (( profile )) && [[ ! -f $AP_LIB ]]; then
  mvn -B -q -ntp dependency:copy -Dartifact="tools.profiler:async-profiler:$AP_VERSION" -DoutputDirectory="$OUT/async-profiler"
  ap_arch=$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')
  unzip -q -o -p "$OUT/async-profiler/async-profiler-$AP_VERSION.jar" "linux-$ap_arch/libasyncProfiler.so" > "$AP_LIB"
fi

say "fresh databases on 127.0.0.1:$PGPORT"
# the bench cluster's own settings, as docs/benchmarks.md states them (both take effect on reload):
# checkpoints every few seconds under the batch load otherwise
psql_ -d postgres -c "ALTER SYSTEM SET max_wal_size = '4GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '15min'" \
  -c "SELECT pg_reload_conf()" >/dev/null
# and shared buffers of a production server (a sixth of this machine's memory) rather than the 128 MB default, which
# Herald's log outgrows during the warm-up (the pgbench table, fresh, never does): takes a restart of the bench cluster
if [[ $(psql_ -d postgres -c "SHOW shared_buffers") != 4GB ]]; then
  psql_ -d postgres -c "ALTER SYSTEM SET shared_buffers = '4GB'" >/dev/null
  cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="$PGPORT" '$3 == port { print $1, $2 }')
  [[ -n $cluster ]] || { echo "restart PostgreSQL on :$PGPORT so that shared_buffers = 4GB takes effect, then run again" >&2; exit 2; }
  say "restarting the bench cluster ($cluster) for shared_buffers = 4GB"
  pg_ctlcluster --skip-systemctl-redirect $cluster restart
fi
# and those buffers in huge pages, as PostgreSQL's documentation advises for a server's ("Linux Huge Pages"): with 4 KB
# pages every backend maps the 4 GB page by page as it touches them, and on a virtual machine, where a page fault is the
# hypervisor's work, that was half of PostgreSQL's time in the pull scenario (pgbench running the feed's page query at
# 8 clients on the 5 M-event log: 1,247-1,343 pages/s in 4 KB pages, 2,737-2,940 in huge pages). The kernel's pool of
# huge pages (vm.nr_hugepages; the pool's total, as pages the cluster holds now are freed by its restart) is set here
# when this runs as root; otherwise the run goes on without and says so.
if [[ $(psql_ -d postgres -c "SHOW huge_pages") != on ]]; then
  cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="$PGPORT" '$3 == port { print $1, $2 }')
  needed=$(( $(psql_ -d postgres -c "SHOW shared_memory_size_in_huge_pages") + 64 ))
  if [[ -n $cluster && $(id -u) == 0 ]] && sysctl -qw vm.nr_hugepages="$needed" \
      && (( $(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo) >= needed )); then
    psql_ -d postgres -c "ALTER SYSTEM SET huge_pages = 'on'" >/dev/null
    say "restarting the bench cluster ($cluster) for its shared buffers in $needed huge pages"
    pg_ctlcluster --skip-systemctl-redirect $cluster restart
  else
    say "PostgreSQL's shared buffers are not in huge pages (run as root, or set vm.nr_hugepages to $needed and huge_pages = on)"
  fi
fi
echo "postgres shared_buffers=$(psql_ -d postgres -c "SHOW shared_buffers") huge_pages=$(psql_ -d postgres -c "SHOW huge_pages")" >> "$RESULTS"
psql_ -d postgres -c "DROP DATABASE IF EXISTS herald_bench WITH (FORCE)" -c "CREATE DATABASE herald_bench" \
  -c "DROP DATABASE IF EXISTS bench_baseline WITH (FORCE)" -c "CREATE DATABASE bench_baseline"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_java() { # name port jar args... -> sets STARTED_PID
  local name=$1 port=$2; shift 2
  java -Xlog:disable -Xlog:all=warning:stderr "$@" > "$OUT/$name.log" 2>&1 &
  STARTED_PID=$!; pids+=("$STARTED_PID")
  for _ in $(seq 1 240); do
    if curl -fs "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; then return 0; fi
    kill -0 "$STARTED_PID" 2>/dev/null || { tail -40 "$OUT/$name.log"; echo "$name did not start" >&2; exit 1; }
    sleep 0.5
  done
  echo "$name did not answer on :$port within 120 s" >&2; exit 1
}

say "starting Herald as the README does (profile local), database herald_bench"
# one load process stands for many clients from one address: the per-client request cap is raised for it
SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/herald_bench" SPRING_DATASOURCE_USERNAME=postgres \
  HERALD_RATE_LIMIT_ENABLED=false HERALD_SUBSCRIPTIONS_MAX_PER_CONSUMER=5000 HERALD_LOCAL_TOKEN_LIFETIME=4h HERALD_CONNECTIONS_MAX_PER_CLIENT=4096 \
  start_java herald "$HERALD_PORT" -jar "$JAR" --spring.profiles.active=local --server.port="$HERALD_PORT"
HERALD=$STARTED_PID
say "starting the bare endpoint"
start_java bare "$BARE_PORT" -jar "$BARE_JAR" --server.port="$BARE_PORT"
BARE=$STARTED_PID

TOKEN=$(curl -fs -X POST "http://127.0.0.1:$HERALD_PORT/local/token" -H 'Content-Type: application/json' \
  -d '{"scopes":["altinn:events.publish","altinn:events.subscribe"],"org":"ttd"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

# heap used (KB: survivors + eden + old) once a second, from one jstat process per JVM
heap_sampler() { # pid file
  jstat -gc "$1" 1000 2>/dev/null | while read -r line; do printf '%(%s)T %s\n' -1 "$line"; done > "$2"
}
heap_sampler "$HERALD" "$OUT/heap-herald.log" & pids+=($!)
heap_sampler "$BARE" "$OUT/heap-bare.log" & pids+=($!)
heap_max_mb() { # file from-epoch to-epoch
  awk -v from="$2" -v to="$3" '$1 >= from && $1 <= to && $2 ~ /^[0-9]/ { used = $4 + $5 + $7 + $9; if (used > max) max = used }
    END { printf "%.0f", max / 1024 }' "$1"
}

# one wrk measurement; prints and records "name key=value ..."
run_wrk() { # name target-pid conns seconds events-per-request url script [ENV=value ...]
  local name=$1 pid=$2 conns=$3 seconds=$4 per=$5 url=$6 script=$7; shift 7
  local threads=$(( conns < 2 ? 1 : 2 ))
  local before from out
  before=$(cpu_ticks "$pid"); from=$(date +%s)
  out=$(env BENCH_RUN="$name-$RANDOM$RANDOM" "$@" wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 30s -s "$script" "$url" | grep '^RESULT')
  local ticks=$(( $(cpu_ticks "$pid") - before ))
  local requests duration p50 p99 non2xx errors
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out"); duration=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$out")
  p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$out"); p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$out")
  non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$out"); errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$out")
  local line
  line=$(awk -v n="$name" -v r="$requests" -v d="$duration" -v per="$per" -v t="$ticks" -v p50="$p50" -v p99="$p99" \
    -v bad="$non2xx" -v err="$errors" -v heap="$(heap_max_mb "$OUT/heap-$( [[ $pid == "$BARE" ]] && echo bare || echo herald).log" "$from" "$(date +%s)")" \
    'BEGIN { s = d / 1e6; printf "%s requests_per_s=%.0f events_per_s=%.0f p50_ms=%.1f p99_ms=%.1f cpu_ms_per_request=%.3f cpu_ms_per_event=%.4f non2xx=%d errors=%d heap_mb=%d",
      n, r / s, r * per / s, p50 / 1000, p99 / 1000, t * 10 / r, t * 10 / (r * per), bad, err, heap }')
  echo "$line" | tee -a "$RESULTS" "$LOG"
}

# warm-up rounds of publish load until CPU per request moves by less than 5 % between rounds and the JIT compiler
# has gone quiet (its threads used under 5 % of the process's CPU in the round), at least warmup_min rounds: the JIT
# needs tens of thousands of requests before the CPU per request means anything, and a round can look settled while
# C2 still compiles (a quarter of Herald's CPU in one pull window that passed the 10 % test), and at least 8 rounds:
# Herald's CPU per single publish kept falling for some 250,000 requests on a slow machine (two runs that stopped
# after 7 rounds within 10 % measured 0.275 and 0.519 ms at 8 clients)
compiler_ticks() { # pid -> CPU ticks of its JIT compiler threads
  local sum=0 task
  for task in /proc/"$1"/task/*; do
    [[ $(cat "$task/comm" 2>/dev/null) == C[12]\ CompilerThre* ]] && sum=$(( sum + $(awk '{print $14 + $15}' "$task/stat") ))
  done
  echo "$sum"
}
record_compiler_share() { # name compiler-ticks process-ticks: the JIT compiler's share of a warm-up round, into the results
  echo "$1 compiler_share=$(awk -v c="$2" -v t="$3" 'BEGIN { printf "%.3f", (t > 0 ? c / t : 0) }')" >> "$RESULTS"
}
warm_up() { # name pid url script [ENV...]
  local name=$1 pid=$2 url=$3 script=$4; shift 4
  local previous=0 round
  for round in $(seq 1 "$warmup_max"); do
    local line cpu ticks_before compiler_before ticks compiler
    ticks_before=$(cpu_ticks "$pid"); compiler_before=$(compiler_ticks "$pid")
    line=$(run_wrk "warmup-$name-$round" "$pid" 8 "$warmup_round" 1 "$url" "$script" "$@")
    ticks=$(( $(cpu_ticks "$pid") - ticks_before )); compiler=$(( $(compiler_ticks "$pid") - compiler_before ))
    cpu=$(sed -E 's/.*cpu_ms_per_request=([0-9.]+).*/\1/' <<<"$line")
    record_compiler_share "warmup-$name-$round" "$compiler" "$ticks"
    if (( round >= warmup_min && compiler * 20 < ticks )) \
        && awk -v a="$cpu" -v b="$previous" 'BEGIN { exit !(b > 0 && (a - b) / b < 0.05 && (b - a) / b < 0.05) }'; then
      say "$name warmed up after $round rounds ($cpu ms CPU per request, JIT compiler $compiler of $ticks ticks)"; return 0
    fi
    previous=$cpu
  done
  say "$name: CPU per request or the JIT compiler had not settled within $warmup_max rounds (last $cpu ms)"
}

wait_idle() { # pid: until the process uses under 0.15 cores over 5 s (at most 10 minutes)
  for _ in $(seq 1 120); do
    local a b; a=$(cpu_ticks "$1"); sleep 5; b=$(cpu_ticks "$1")
    (( b - a < 75 )) && return 0
  done
}

profiler() { java -cp "$CP" io.herald.bench.ProfilerAttach "$HERALD" "$ROOT/$AP_LIB" "$1" >/dev/null; }
# CPU samples of every thread of Herald's JVM (1 ms), kept as a flame graph and as collapsed stacks; then Herald is
# left to go quiet, so that the profiler's own work is in no figure after the window either
profile_start() { (( profile )) && profiler "start,event=cpu,interval=1ms,threads" || true; }
profile_stop() {
  (( profile )) || return 0
  profiler "dump,file=$ROOT/$OUT/$1.html,flamegraph,title=Herald: $1 scenario ($(date +%F))" || true
  profiler "stop,file=$ROOT/$OUT/$1.collapsed,collapsed" || true
  wait_idle "$HERALD"
}

PUBLISH_URL="http://127.0.0.1:$HERALD_PORT/events/api/v1/events"
BARE_URL="http://127.0.0.1:$BARE_PORT/echo"
PUB=bench/service/publish.lua
PGBENCH_DIR=$OUT/pgbench; mkdir -p "$PGBENCH_DIR"

say "warming Herald up (rounds of ${warmup_round} s of single publishes at 8 clients)"
warm_up herald "$HERALD" "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN"
say "warming the bare endpoint up"
warm_up bare "$BARE" "$BARE_URL" "$PUB" BENCH_CONTENT_TYPE=application/json

# Every measured window that writes to PostgreSQL, Herald's and pgbench's alike, starts from a checkpoint. A
# checkpoint is due after every ~2 GB of WAL (max_wal_size 4 GB): Herald's warm-up rounds write that much, pgbench's
# fresh table had not, and the first write of each page after a checkpoint logs the whole page. Left to chance, one
# run's batch window fell inside a checkpoint (87 s of writing 1.9 GB of buffers) and its baseline, just before it,
# did not: 10,900 events/s against 32,131 rows/s; from a checkpoint each, on the same machine, Herald's rate nearly
# doubled and the baseline's moved by a fifth (docs/benchmarks.md, 2026-12-07 13:05).
checkpoint() { psql_ -d postgres -c CHECKPOINT; }

pgbench_run() { # name clients file -> records tps
  local name=$1 clients=$2 file=$3 per=$4
  local out tps
  checkpoint
  out=$(pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c "$clients" -j $(( clients < 2 ? 1 : 2 )) -T "$measure" -f "$file" bench_baseline 2>&1)
  tps=$(grep -E '^tps' <<<"$out" | head -1 | sed -E 's/tps = ([0-9.]+).*/\1/')
  lat=$(grep -E '^latency average' <<<"$out" | sed -E 's/latency average = ([0-9.]+).*/\1/')
  echo "$name tx_per_s=$(printf %.0f "$tps") rows_per_s=$(awk -v t="$tps" -v p="$per" 'BEGIN { printf "%.0f", t * p }') latency_avg_ms=$lat" \
    | tee -a "$RESULTS" "$LOG"
}

if has publish || has batch; then
  # rows of the shape Herald writes, into a table with the event log's columns and indexes
  psql_ -d bench_baseline -c "CREATE SEQUENCE IF NOT EXISTS bench_seq" -c "DROP TABLE IF EXISTS bench_event" \
    -c "CREATE TABLE bench_event (stored_at timestamptz NOT NULL, tx bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
          seq bigint NOT NULL, source text NOT NULL, id text NOT NULL, type text NOT NULL, resource text NOT NULL, subject text,
          alternative_subject text, resource_instance text, instance_id text, time timestamptz NOT NULL, body text NOT NULL)" \
    -c "CREATE INDEX ON bench_event (tx, seq)" -c "CREATE INDEX ON bench_event (resource, tx, seq)" \
    -c "CREATE INDEX ON bench_event (subject, tx, seq)" -c "CREATE INDEX ON bench_event (alternative_subject, tx, seq)" \
    -c "CREATE INDEX ON bench_event (instance_id, tx, seq)"
  # each row a party and a person of its own, as each event of the load's (bench/service/publish.lua: 100,000 parties,
  # 10,000 persons); until 2026-12-07 13:30 the 100 rows of a transaction shared one party and every row one person,
  # so that two of the five indexes took a transaction's rows at one place and Herald's events at a hundred
  row="now(), nextval('bench_seq'), 'https://ttd.apps.altinn.no/ttd/bench/instances/' || p.party || '/' || gen_random_uuid(), gen_random_uuid()::text,
    'app.instance.process.movedTo.Task_2', 'urn:altinn:resource:app_ttd_bench', '/party/' || p.party, '/person/1224791' || lpad(p.person::text, 4, '0'),
    p.party || '/' || gen_random_uuid(), gen_random_uuid()::text, now(), rpad('{\"specversion\":\"1.0\"', 830, 'x')"
  cols="stored_at, seq, source, id, type, resource, subject, alternative_subject, resource_instance, instance_id, time, body"
  printf '\\set party random(50000000, 50099999)\n\\set person random(0, 9999)\nINSERT INTO bench_event (%s) SELECT %s FROM (SELECT :party AS party, :person AS person) p;\n' \
    "$cols" "$row" > "$PGBENCH_DIR/one-row.sql"
  # N rows, each of a party and a person of its own: the 100-row baseline, and the fill of its table (batch scenario)
  rows_insert() { # N
    printf 'INSERT INTO bench_event (%s) SELECT %s FROM (SELECT 50000000 + floor(random() * 100000)::int AS party, floor(random() * 10000)::int AS person FROM generate_series(1, %d)) p' \
      "$cols" "$row" "$1"
  }
  echo "$(rows_insert 100);" > "$PGBENCH_DIR/hundred-rows.sql"
  # and the former shape, recorded beside it for information: one party and one person for a transaction's rows
  printf 'INSERT INTO bench_event (%s) SELECT %s FROM (SELECT 50000000 + floor(random() * 100000)::int AS party, 8309 AS person) p, generate_series(1, 100);\n' \
    "$cols" "$row" > "$PGBENCH_DIR/hundred-rows-shared.sql"
fi

if has publish; then
  say "scenario: single publish at 1, 8 and 64 clients"
  for c in 1 8 64; do
    pgbench_run "pgbench-one-row-c$c" "$c" "$PGBENCH_DIR/one-row.sql" 1
    run_wrk "bare-endpoint-c$c" "$BARE" "$c" "$measure" 1 "$BARE_URL" "$PUB" BENCH_CONTENT_TYPE=application/json
    checkpoint
    run_wrk "herald-publish-c$c" "$HERALD" "$c" "$measure" 1 "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN"
  done
  # the profile comes from a window of its own, so that the recording's cost is in no figure above
  if (( profile )); then
    profile_start publish
    run_wrk "profile-publish-c8" "$HERALD" 8 "$measure" 1 "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN"
    profile_stop publish
  fi
fi

if has batch; then
  say "scenario: batches of 100 at 8 clients"
  # rounds of their own first, until CPU per request settles and the JIT compiler goes quiet, as for single
  # publishes: so far it has compiled only the single-event path (after one fixed 10 s window, the C2 compiler
  # still had a fifth of Herald's CPU samples in the profiled batch window)
  warm_up batch "$HERALD" "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN" BENCH_BATCH=100
  # then the baseline's table is filled to as many rows as Herald's log holds, so that both insert into tables and
  # indexes of one size: a table's random indexes cost more the larger they are (pgbench's 100-row rate, back to
  # back on one machine: 30,400-35,900 rows/s into a fresh table, 28,500-29,300 into one of 1.7 M rows); until
  # 2026-12-07 14:05 the baseline ran on a table of the publish scenario's few rows, Herald on its warm-ups' millions
  logged=$(psql_ -d herald_bench -c "SELECT count(*) FROM event")
  missing=$(( logged - $(psql_ -d bench_baseline -c "SELECT count(*) FROM bench_event") ))
  if (( missing > 0 )); then
    say "filling the baseline's table with $missing rows, to Herald's $logged"
    psql_ -d bench_baseline -c "$(rows_insert "$missing")"
  fi
  pgbench_run "pgbench-hundred-rows-c8" 8 "$PGBENCH_DIR/hundred-rows.sql" 100
  pgbench_run "pgbench-hundred-rows-shared-c8" 8 "$PGBENCH_DIR/hundred-rows-shared.sql" 100
  checkpoint
  run_wrk "herald-batch100-c8" "$HERALD" 8 "$measure" 100 "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN" BENCH_BATCH=100
  if (( profile )); then
    profile_start batch
    run_wrk "profile-batch100-c8" "$HERALD" 8 "$measure" 100 "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN" BENCH_BATCH=100
    profile_stop batch
  fi
fi

# the log of >= 5 M events is loaded after the publish and batch scenarios: those run on the fresh database the
# warm-up leaves, as their pgbench baseline inserts into a fresh table; one more publish window after the pull
# scenario says what publishing costs on the big log (the indexes no longer fit in PostgreSQL's buffers)
if has pull; then
  # in transactions of 500 events, as the group commit writes them (herald.store.group-commit.max-events): the
  # planner's view of the log (statistics on tx) is then the one a real log gives it; a few huge transactions
  # made it misjudge where a cursor stands and scan a whole transaction's events for one resource's page. Each
  # transaction's events numbered resource by resource, as Herald's writer numbers a group (docs/adr/0023)
  say "bulk-loading a log of $pull_events events in SQL (100 resources, 100,000 parties, 500 per transaction)"
  per_tx=500
  psql_ -d herald_bench -c "DO \$\$ BEGIN FOR c IN 0..$(( pull_events / per_tx - 1 )) LOOP
      INSERT INTO event (stored_at, seq, source, id, type, resource, subject, alternative_subject,
        resource_instance, instance_id, time, body)
      SELECT now(), nextval('event_seq'), 'https://ttd.apps.altinn.no/ttd/pull' || (g % 100) || '/instances/' || (50000000 + g % 100000)
             || '/' || u, 'pull-' || g, 'app.instance.process.movedTo.Task_2',
             'urn:altinn:resource:app_ttd_pull_' || (g % 100), '/party/' || (50000000 + g % 100000), '/person/' || (12247900000 + g % 100000),
             (50000000 + g % 100000) || '/' || u, u::text, now(),
             json_build_object('specversion', '1.0', 'id', 'pull-' || g, 'source', 'https://ttd.apps.altinn.no/ttd/pull' || (g % 100)
               || '/instances/' || (50000000 + g % 100000) || '/' || u, 'type', 'app.instance.process.movedTo.Task_2',
               'subject', '/party/' || (50000000 + g % 100000), 'alternativesubject', '/person/' || (12247900000 + g % 100000),
               'resource', 'urn:altinn:resource:app_ttd_pull_' || (g % 100), 'resourceinstance', (50000000 + g % 100000) || '/' || u,
               'time', '2026-12-06T04:00:00.000Z', 'datacontenttype', 'application/json',
               'data', json_build_object('process', json_build_object('currentTask', 'Task_2', 'started', '2026-12-06T03:59:58.123Z',
                 'elementType', 'Task', 'flowType', 'CompleteCurrentMoveToNext', 'name', 'Utfylling', 'altinnTaskType', 'data'),
                 'note', 'a typical app event with a nested payload, loaded in SQL for the pull benchmark'))::text
      FROM (SELECT g, u FROM generate_series(c * $per_tx + 1, (c + 1) * $per_tx) g0,
              LATERAL (SELECT g0 AS g, md5(g0::text)::uuid AS u) x ORDER BY g % 100, g) ordered;
      COMMIT;
    END LOOP; END \$\$"
  # the loaded transactions, one line each ("tx:firstSeq:lastSeq"), for the readers to start at random positions of
  psql_ -d herald_bench -c "SELECT tx || ':' || min(seq) || ':' || max(seq) FROM event WHERE id LIKE 'pull-%' GROUP BY tx ORDER BY tx" \
    > "$OUT/pull-chunks.txt"
  psql_ -d herald_bench -c "VACUUM ANALYZE event"
  # the load's dirty pages written out now, not by a checkpoint in the middle of the pull window
  psql_ -d herald_bench -c "CHECKPOINT"
  say "loaded; waiting for Herald's matcher to pass the loaded log"
  wait_idle "$HERALD"
fi

if has pull; then
  log_events=$(psql_ -d herald_bench -c 'SELECT count(*) FROM event')
  echo "pull-log events=$log_events" >> "$RESULTS"
  say "scenario: 50-event pages at 8 readers on $log_events events"
  # as for publishing: rounds of the same load until Herald's CPU per page settles (two fixed rounds left it
  # compiling: p99 fell from 150 to 57 ms over three more rounds of 10 s)
  warm_up pull "$HERALD" "http://127.0.0.1:$HERALD_PORT" bench/service/pull.lua \
    BENCH_TOKEN="$TOKEN" BENCH_RESOURCES=100 BENCH_CHUNKS_FILE="$OUT/pull-chunks.txt"
  run_wrk "herald-pull-c8" "$HERALD" 8 "$measure" 1 "http://127.0.0.1:$HERALD_PORT" bench/service/pull.lua \
    BENCH_TOKEN="$TOKEN" BENCH_RESOURCES=100 BENCH_CHUNKS_FILE="$OUT/pull-chunks.txt"
  if (( profile )); then
    profile_start pull
    run_wrk "profile-pull-c8" "$HERALD" 8 "$measure" 1 "http://127.0.0.1:$HERALD_PORT" bench/service/pull.lua \
      BENCH_TOKEN="$TOKEN" BENCH_RESOURCES=100 BENCH_CHUNKS_FILE="$OUT/pull-chunks.txt"
    profile_stop pull
  fi
  checkpoint
  run_wrk "herald-publish-c8-on-log" "$HERALD" 8 "$measure" 1 "$PUBLISH_URL" "$PUB" BENCH_TOKEN="$TOKEN"
fi

service_load() { # name args...
  local name=$1; shift
  local from out
  from=$(date +%s)
  out=$(java -cp "$CP" io.herald.bench.ServiceLoad "http://127.0.0.1:$HERALD_PORT" "$TOKEN" "$HERALD" "$@" 2>>"$LOG" | tee -a "$LOG" | grep '^RESULT')
  echo "$name ${out#RESULT } heap_mb=$(heap_max_mb "$OUT/heap-herald.log" "$from" "$(date +%s)")" | tee -a "$RESULTS" "$LOG"
}

if has e2e; then
  wait_idle "$HERALD"
  # the same load first, unmeasured, until the JIT compiler goes quiet: so far it has compiled the publish path
  # only, not the matcher's and the dispatcher's (a first burst ran at two thirds of a second one's rate, with most
  # of Herald's CPU in the compiler; after one warm-up burst, the compiler still had 43 % of Herald's samples in
  # the profiled third burst)
  say "warming the delivery path up (unmeasured bursts of the same shape until the JIT compiler goes quiet)"
  for round in $(seq 1 8); do
    ticks_before=$(cpu_ticks "$HERALD"); compiler_before=$(compiler_ticks "$HERALD")
    service_load "warmup-burst-8-$round" burst 8 2500 "urn:altinn:resource:app_ttd_warm8_$round" >/dev/null
    ticks=$(( $(cpu_ticks "$HERALD") - ticks_before )); compiler=$(( $(compiler_ticks "$HERALD") - compiler_before ))
    record_compiler_share "warmup-burst-8-$round" "$compiler" "$ticks"
    wait_idle "$HERALD"
    # a tenth, not a twentieth as for publishing: a burst's Herald CPU is a few seconds, and the compiler kept some
    # 8-12 % of it through ten bursts while the delivery rate no longer moved (diagnosis of 2026-12-07, docs/benchmarks.md)
    if (( round >= 2 && compiler * 10 < ticks )); then
      say "delivery path warmed up after $round bursts (JIT compiler $compiler of $ticks ticks)"; break
    fi
    (( round < 8 )) || say "delivery path: the JIT compiler had not gone quiet within 8 bursts (last $compiler of $ticks ticks)"
  done
  say "scenario: a burst of 2,500 events to 8 subscriptions (20,000 deliveries)"
  service_load "herald-burst-8" burst 8 2500 urn:altinn:resource:app_ttd_burst8
  if (( profile )); then
    wait_idle "$HERALD"
    profile_start delivery
    service_load "profile-burst-8" burst 8 2500 urn:altinn:resource:app_ttd_profile8
    profile_stop delivery
  fi
  wait_idle "$HERALD"
  say "scenario: a burst of 20 events to 1,000 subscriptions (20,000 deliveries)"
  service_load "herald-burst-1000" burst 1000 20 urn:altinn:resource:app_ttd_burst1000
fi

if has steady; then
  wait_idle "$HERALD"
  say "scenario: a steady 1,000 events/s for $steady_seconds s, one subscription"
  service_load "herald-steady-1000" steady 1000 "$steady_seconds" urn:altinn:resource:app_ttd_steady
fi

if (( profile )); then
  mkdir -p docs/profiles
  for name in publish batch pull delivery; do
    [[ -f $OUT/$name.collapsed ]] || continue
    cp "$OUT/$name.html" "docs/profiles/$name.html" 2>/dev/null || true
    python3 bench/service/profile-summary.py "$OUT/$name.collapsed" "docs/profiles/$name" | tee -a "$LOG"
  done
fi

if (( write )); then
  python3 bench/service/write-table.py "$RESULTS" docs/benchmarks.md "bench/run-service.sh $*" "$quick"
  say "docs/benchmarks.md updated"
fi
say "done; raw figures in $RESULTS"
