#!/usr/bin/env bash
# Builds the bench module and the modules it needs in the reactor (package, not install) and writes
# its runtime class path to bench/target/classpath.txt. Herald's own jars are taken from each
# module's target/, so nothing of Herald is installed into ~/.m2 (shared with other checkouts).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl bench -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# the api module's jar is Spring Boot's repackaged one (classes under BOOT-INF/): use its classes instead
sed -i "s#$PWD/api/target/herald-api-[^:]*\.jar#$PWD/api/target/classes#" bench/target/classpath.txt
