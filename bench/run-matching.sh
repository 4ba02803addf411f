#!/usr/bin/env bash
# Matching cost per event at 1 k, 100 k and 1 M subscriptions (docs/benchmarks.md). In memory only.
# Usage: bench/run-matching.sh [rounds=5]
# Built in the reactor by bench/classpath.sh (package, not install), so nothing of Herald is written
# to the shared ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/classpath.sh
java -Xmx4g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.herald.bench.MatchingBenchmark "${1:-5}"
