#!/usr/bin/env bash
# Normal-request latency with 200 slow uploads open, against a Herald already running on this
# machine (e.g. `java -jar api/target/herald-api-*.jar --spring.profiles.active=local`):
#   bench/slow-clients.sh [port=8080] [seconds=10] [slow-uploads=200]
# Prints p50/p99/max of anonymous feed reads without and with the slow uploads open, and the ratio.
# Loopback only (the uploads come from 127.0.0.2–9); stops by itself. Needs Java 17 (single-file launch).
set -euo pipefail
cd "$(dirname "$0")/.."
exec java bench/src/slow-clients/SlowClients.java "${1:-8080}" "${2:-10}" "${3:-200}"
