#!/usr/bin/env bash
# The olm module beside libolm on the same machine (issue 5, acceptance 6): builds the JMH jar (module bench,
# profile `bench`) and the libolm harness (bench/src/main/c/olm_bench.c against Debian's libolm-dev), then runs
# them interleaved, round after round, and prints a table of medians with the ratio Java / libolm.
#
#   scripts/bench-olm.sh [rounds]                 (default 3; in each round, operation by operation: libolm,
#                                                 then each Java jar, so that each pair is measured back to back)
#
#   OLM_BENCH_JARS="before=/tmp/old.jar"          more jars measured in the same rounds (e.g. one built before
#                                                 an optimisation), each as label=path; the current jar is "java"
#   OLM_BENCH_SKIP_BUILD=1                        use bench/target/benchmarks.jar as it is
#   OLM_BENCH_OPS="megolmDecrypt ed25519Verify"   only these operations (ed25519Sign/Verify are diagnostics:
#                                                 Ed25519 alone over the bytes a Megolm message signs)
#
# Figures are microseconds per operation. libolm: the median of 5 one-second iterations (after one warmup);
# Java: JMH's average over 5 one-second iterations (after 3 warmup ones) in one fork. The table gives the median
# over rounds of each side and the median over rounds of the ratio Java / libolm measured back to back in a round
# (on a busy machine the load changes between rounds more than between the two sides of one pair). Raw results
# and `uptime` at each round stay in the printed directory.
set -euo pipefail
ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

# shellcheck source=scripts/find-jdk.sh
source scripts/find-jdk.sh
starling_use_jdk || exit 1

rounds=${1:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench-olm.sh: rounds must be a positive number" >&2; exit 2; }
[[ -f /usr/include/olm/olm.h ]] || { echo "bench-olm.sh: needs libolm-dev: apt-get install -y libolm-dev" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench-olm.sh: needs a C compiler (cc)" >&2; exit 1; }

out=$(mktemp -d /tmp/bench-olm.XXXXXX)
cc -O2 -Wall -o "$out/olm_bench" bench/src/main/c/olm_bench.c -lolm
if [[ ${OLM_BENCH_SKIP_BUILD:-} != 1 ]]; then
  ./mvnw -q -B -Pbench -pl bench -am -DskipTests package
fi
jvm_opts=()
if ((STARLING_JDK_VERSION >= 24)); then jvm_opts+=(--sun-misc-unsafe-memory-access=allow); fi

# shellcheck disable=SC2206
jars=("java=bench/target/benchmarks.jar" ${OLM_BENCH_JARS:-})
# shellcheck disable=SC2206
ops=(${OLM_BENCH_OPS:-olmOutboundSession olmInboundSession olmEncrypt olmDecrypt megolmEncrypt megolmDecrypt ed25519Sign ed25519Verify})
labels=(libolm)
for j in "${jars[@]}"; do labels+=("${j%%=*}"); done

echo "bench-olm.sh: $rounds rounds, results in $out" >&2
for ((r = 1; r <= rounds; r++)); do
  echo "round $r start $(date -u +%H:%M:%S) $(uptime)" | tee -a "$out/load.txt" >&2
  for op in "${ops[@]}"; do
    "$out/olm_bench" 5 1 "$op" >> "$out/libolm-$r.tsv"
    for j in "${jars[@]}"; do
      "$JAVA_HOME/bin/java" ${jvm_opts[@]+"${jvm_opts[@]}"} -jar "${j#*=}" "OlmBenchmark\\.$op\$" \
        -rf json -rff "$out/${j%%=*}-$r-$op.json" > "$out/${j%%=*}-$r-$op.log" 2>&1
    done
  done
done
echo "end $(date -u +%H:%M:%S) $(uptime)" | tee -a "$out/load.txt" >&2

OPS="${ops[*]}" python3 - "$out" "$rounds" "${labels[@]}" <<'PY'
import json, os, statistics, sys
out, rounds, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ops = os.environ["OPS"].split()
values = {label: {op: [] for op in ops} for label in labels}
for r in range(1, rounds + 1):
    for line in open(f"{out}/libolm-{r}.tsv"):
        name, median, *_ = line.split("\t")
        values["libolm"][name].append(float(median))
    for label in labels[1:]:
        for op in ops:
            for result in json.load(open(f"{out}/{label}-{r}-{op}.json")):
                values[label][op].append(result["primaryMetric"]["score"])
med = lambda xs: statistics.median(xs) if xs else float("nan")
head = "| operation (256-byte plaintext) | libolm µs/op | " + " | ".join(f"{l} µs/op | {l} / libolm" for l in labels[1:])
head += " | rounds: " + "; ".join(labels) + " |"
print(head)
print("|" + "---|" * (head.count("|") - 1))
for op in ops:
    base = med(values["libolm"][op])
    cells = [f"{base:,.1f}"]
    for label in labels[1:]:
        m = med(values[label][op])
        ratios = [j / c for j, c in zip(values[label][op], values["libolm"][op])]
        cells += [f"{m:,.1f}", f"{med(ratios):.2f}"]
    rounds_text = "; ".join(" / ".join(f"{v:,.0f}" for v in values[l][op]) for l in labels)
    print(f"| `{op}` | " + " | ".join(cells) + f" | {rounds_text} |")
PY
