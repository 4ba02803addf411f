#!/usr/bin/env bash
# Matching cost per event at 1 k, 100 k and 1 M subscriptions (docs/benchmarks.md). In memory only.
# Usage: bench/run-matching.sh [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests install -pl bench -am
MAVEN_OPTS="-Xmx4g" mvn -B -q -ntp -pl bench exec:java -Dexec.mainClass=io.herald.bench.MatchingBenchmark -Dexec.args="${1:-5}"
