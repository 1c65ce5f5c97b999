#!/usr/bin/env bash
# Builds the JMH benchmarks (module bench, only in the Maven profile `bench`) and runs them:
#   scripts/bench.sh [JMH options]      e.g. scripts/bench.sh -f 1 -wi 2 -i 3 CanonicalJson
# (or ./starling bench ...). The jar is bench/target/benchmarks.jar; `-h` lists JMH's options.
set -euo pipefail
ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

# shellcheck source=scripts/find-jdk.sh
source scripts/find-jdk.sh
starling_use_jdk || exit 1

./mvnw -q -B -Pbench -pl bench -am -DskipTests package
# JMH uses sun.misc.Unsafe, which warns on JDK 24+ unless allowed; JMH's forks inherit these options.
jvm_opts=()
if ((STARLING_JDK_VERSION >= 24)); then jvm_opts+=(--sun-misc-unsafe-memory-access=allow); fi
exec "$JAVA_HOME/bin/java" ${jvm_opts[@]+"${jvm_opts[@]}"} -jar bench/target/benchmarks.jar "$@"
