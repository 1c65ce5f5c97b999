#!/usr/bin/env bash
# Builds the server load generator (module loadgen, only in the Maven profile `loadgen`) and the app, and runs
# the generator (or ./starling loadgen ...):
#   scripts/loadgen.sh                       every scenario with the defaults (about 2 minutes)
#   scripts/loadgen.sh --scenarios a --rate 500 --duration 10
#   scripts/loadgen.sh --scenarios s         sends alone, no /sync running (not in the default list)
#   scripts/loadgen.sh --help                the options
# (d) measures the real `./starling server` through the launcher; (a)-(c) run LoadServer (the production wiring
# with rate limits lifted) as a child process. Record results with machine and date in BENCHMARKS.md.
set -euo pipefail
ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

# shellcheck source=scripts/find-jdk.sh
source scripts/find-jdk.sh
starling_use_jdk || exit 1

./mvnw -q -B -Ploadgen -pl loadgen,app -am -DskipTests package
# 10,000 long-polls need as many sockets in each process (client and server).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$JAVA_HOME/bin/java" -jar loadgen/target/loadgen.jar --launcher "$ROOT/starling" "$@"
