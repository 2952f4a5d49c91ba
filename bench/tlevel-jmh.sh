#!/usr/bin/env bash
# t-level speed (issue 12): the t-level of 1,000 work items, goal "well under 50 ms". Runs the JMH benchmark
# bench/jmh (org.ecmpipe.bench.TLevelBenchmark; see its javadoc for the two work mixes) and prints each mean time
# and its ratio to the 50 ms budget. Takes about a minute.
#
# Usage: bench/tlevel-jmh.sh [extra JMH options, e.g. -f 2]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bin/lib/java.sh"
OUT="$ROOT/bench/out/tlevel-jmh"
rm -rf "$OUT" && mkdir -p "$OUT"
(cd "$ROOT" && ./mvnw -q -B -DskipTests -pl bench/jmh -am package) >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log"; exit 1; }
"$JAVA_HOME/bin/java" -jar "$ROOT/bench/jmh/target/ecmpipe-benchmarks.jar" TLevelBenchmark -rf csv -rff "$OUT/result.csv" "$@" \
  >"$OUT/jmh.out" 2>&1 || { tail -n 30 "$OUT/jmh.out"; exit 1; }
echo "t-level of 1,000 work items (JMH average time; budget 50 ms)"
# csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
tail -n +2 "$OUT/result.csv" | tr -d '"' | awk -F, '{ printf "  %-10s %8.2f ms +- %.2f   ratio to budget %.3f\n", substr($1, index($1, "Benchmark.") + 10), $5, $6, $5 / 50 }'
