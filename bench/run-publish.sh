#!/usr/bin/env bash
# Publishing throughput against raw PostgreSQL rates in the same run (docs/benchmarks.md).
# Usage: bench/run-publish.sh [seconds-per-phase=10] [clients=8] [-Dherald.store.group-commit.writers=4 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}; clients=${2:-8}; shift $(( $# > 2 ? 2 : $# ))
mvn -B -q -ntp -DskipTests install -pl bench -am
mvn -B -q -ntp -pl bench exec:java -Dexec.mainClass=io.herald.bench.PublishBenchmark -Dexec.args="$seconds $clients" "$@"
