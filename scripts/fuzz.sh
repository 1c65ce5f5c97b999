#!/usr/bin/env bash
# The fuzz step of ./starling test: fuzzes every @FuzzTest of every module with Jazzer for
# ${fuzz.duration} (60s; override: FUZZ_DURATION=5m scripts/fuzz.sh) through the Maven profile `fuzz`
# (see the parent pom.xml). Jazzer fuzzes one @FuzzTest per JVM and the profile forks one JVM per
# class named *FuzzTest, so: put each @FuzzTest in its own class whose name ends in FuzzTest. This
# script checks that first, so that no fuzz test is silently left out.
# Corpus and findings are written under <module>/target/jazzer/.
set -euo pipefail
ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

# shellcheck source=scripts/find-jdk.sh
source scripts/find-jdk.sh
starling_use_jdk || exit 1

bad=0
count=0
while IFS= read -r file; do
  n=$(grep -cE '^[[:space:]]*@FuzzTest([[:space:](]|$)' "$file" || true)
  ((n > 0)) || continue
  count=$((count + n))
  if [[ $(basename "$file") != *FuzzTest.java ]]; then
    echo "fuzz: $file has @FuzzTest but its class name does not end in FuzzTest, so it would not be fuzzed" >&2
    bad=1
  elif ((n > 1)); then
    echo "fuzz: $file has $n @FuzzTest methods; Jazzer fuzzes only one per JVM: split them into one class each" >&2
    bad=1
  fi
done < <(find . \( -name target -o -name .git -o -name node_modules \) -prune -o \
  -type f -path '*/src/test/java/*' -name '*.java' -print | sort)
((bad == 0)) || exit 1

if ((count == 0)); then
  echo "fuzz: no @FuzzTest found; nothing to fuzz"
  exit 0
fi
echo "fuzz: fuzzing $count fuzz test(s) for ${FUZZ_DURATION:-60s} each"
args=(-B -Pfuzz test)
[[ -z "${FUZZ_DURATION:-}" ]] || args+=("-Dfuzz.duration=$FUZZ_DURATION")
exec ./mvnw "${args[@]}" "$@"
