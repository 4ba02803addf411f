#!/usr/bin/env bash
# Delivery benchmarks (docs/benchmarks.md), each against a raw baseline in the same run, each bounded
# in time, each creating and dropping its own bench_* database on 127.0.0.1:5432:
#   bench/run-delivery.sh throughput [seconds=10] [endpoints=8]          -> bench_delivery
#   bench/run-delivery.sh isolation  [backlog-per-endpoint=1000] [steady-seconds=30] [steady-events/s=25] [stall-seconds=10]
#                                                                       -> bench_isolation
#   bench/run-delivery.sh e2e        [rates=200,1000] [seconds=20]         -> bench_e2e
#   bench/run-delivery.sh matcher    [events=100000] [resources=48]        -> bench_matcher
#   bench/run-delivery.sh http       [seconds=15] [clients=8] [warm-up=30] -> bench_http (Herald in this JVM)
# herald.dispatcher.* settings may follow as -D options, e.g. -Dherald.dispatcher.batch-size=200.
#
# Built in the reactor (package, not install): nothing of Herald is written to ~/.m2, which other
# checkouts share; the benchmark runs from bench/target/classes and the modules' target/ jars.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bench/run-delivery.sh throughput|isolation|e2e|matcher|http [args...] [-D...]}; shift
args=(); props=()
for a in "$@"; do if [[ $a == -D* ]]; then props+=("$a"); else args+=("$a"); fi; done
case $mode in
  throughput) main=io.herald.bench.DeliveryThroughputBenchmark ;;
  isolation)  main=io.herald.bench.IsolationBenchmark ;;
  e2e)        main=io.herald.bench.EndToEndBenchmark ;;
  matcher)    main=io.herald.bench.MatcherBenchmark ;;
  http)       main=io.herald.bench.HttpPublishBenchmark ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
bench/classpath.sh
# the machine is shared: the load before and after says how far to trust a run's figures
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs), $(date -u +%FT%TZ)"
trap 'echo "load after: $(cut -d" " -f1-3 /proc/loadavg)"' EXIT
java -Xmx1g ${props[@]+"${props[@]}"} -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$main" ${args[@]+"${args[@]}"}
