#!/usr/bin/env bash
# Publishing throughput against raw PostgreSQL rates in the same run (docs/benchmarks.md).
# Usage: bench/run-publish.sh [seconds-per-phase=10] [clients=8] [-Dherald.store.group-commit.writers=4 ...]
# Creates the database bench_publish on 127.0.0.1:5432. Built in the reactor by bench/classpath.sh
# (package, not install), so nothing of Herald is written to the shared ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}; clients=${2:-8}; shift $(( $# > 2 ? 2 : $# ))
bench/classpath.sh
java "$@" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.herald.bench.PublishBenchmark "$seconds" "$clients"
