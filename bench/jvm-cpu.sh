#!/usr/bin/env bash
# ecmpipe's own CPU use (issue 15 item 2): the JVM's user+system time, not its ecm children's.
#
# Runs a realistic `ecmpipe run --no-gpu --fixed-split` batch (bench/numbers-c80.txt, stage 1 on one CPU process,
# one stage-2 worker: the set-up the figures in BENCHMARKS.md were measured with, before the work-conserving
# default) and samples /proc/<pid>/stat of the JVM (fields utime and stime: that process only; the
# time of waited-for children is in cutime/cstime, which are not read). bin/ecmpipe execs java, so the pid
# started here is the JVM's from then on (the launcher's own shell time before the exec is included, and
# is a few milliseconds).
#
# Prints CPU-seconds in the first 2 s, from 2 s to 10 s, and per minute from 10 s to the end of the run,
# plus the same per 20-s window. Goals: <= 0.6 CPU-s in the first 2 s, <= 0.3 CPU-s per minute from 10 s.
# Also the JVM's CPU from 10 s per minute of its ecm children's CPU in the same span (cutime + cstime: children
# reaped by then): the same work takes this shared VM from 55 to 74 CPU-s of ecm as its speed changes, and that
# ratio moves less between rounds than the per-minute figure does (use it to compare two builds).
#
# Usage: bench/jvm-cpu.sh [B1 (default 250000)] [CURVES (default 40)] [ROUNDS (default 1)] [extra run options...]
# With ROUNDS > 1 the figures are medians over the rounds. NUMBERS=FILE runs another numbers file (default
# bench/numbers-c80.txt; e.g. its first 3 lines for a run of long numbers that still ends in minutes).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
B1="${1:-250000}"
CURVES="${2:-40}"
ROUNDS="${3:-1}"
shift $(( $# < 3 ? $# : 3 ))
OUT="$ROOT/bench/out/jvm-cpu"
NUMBERS="${NUMBERS:-$ROOT/bench/numbers-c80.txt}"
rm -rf "$OUT" && mkdir -p "$OUT"
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the measurement
TCK=$(getconf CLK_TCK)

first2=(); early=(); steady=(); perecm=()
for round in $(seq "$ROUNDS"); do
  rm -rf "$OUT/work"
  t0=$(now)
  "$ROOT/bin/ecmpipe" run --numbers-file "$NUMBERS" --no-gpu --b1 "$B1" --curves "$CURVES" \
    --stage2-workers 1 --fixed-split --no-submit --work-dir "$OUT/work" "$@" >"$OUT/run.out" 2>"$OUT/run.err" &
  pid=$!
  at2=-1; at10=-1; last=-1; lastT=0
  : >"$OUT/samples-$round.txt"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.25
    t=$(seconds "$t0" "$(now)")
    read -r c k <<<"$(cpu_ticks "$pid")"
    [ "$c" -lt 0 ] && break
    echo "$t $c" >>"$OUT/samples-$round.txt"
    if [ "$at2" -lt 0 ] && awk -v t="$t" 'BEGIN { exit !(t >= 2) }'; then at2=$c; fi
    if [ "$at10" -lt 0 ] && awk -v t="$t" 'BEGIN { exit !(t >= 10) }'; then at10=$c; k10=$k; t10=$t; fi
    last=$c; lastK=$k; lastT=$t
  done
  wait "$pid" || { echo "ecmpipe run failed (round $round); see $OUT/run.err" >&2; exit 1; }
  if [ "$at10" -lt 0 ] || awk -v a="$t10" -v b="$lastT" 'BEGIN { exit !(b - a < 20) }'; then
    echo "the run lasted ${lastT}s: too short to measure a steady state (raise CURVES)" >&2; exit 1
  fi
  f2=$(awk -v c="$at2" -v k="$TCK" 'BEGIN { printf "%.2f", c / k }')
  e=$(awk -v a="$at2" -v b="$at10" -v k="$TCK" 'BEGIN { printf "%.2f", (b - a) / k }')
  s=$(awk -v a="$at10" -v b="$last" -v ta="$t10" -v tb="$lastT" -v k="$TCK" 'BEGIN { printf "%.3f", (b - a) / k / (tb - ta) * 60 }')
  p=$(awk -v a="$at10" -v b="$last" -v ka="$k10" -v kb="$lastK" 'BEGIN { printf "%.3f", (kb > ka) ? (b - a) / (kb - ka) * 60 : 0 }')
  first2+=("$f2"); early+=("$e"); steady+=("$s"); perecm+=("$p")
  echo "round $round: run ${lastT}s; JVM CPU: first 2 s ${f2}s, 2-10 s ${e}s, from 10 s ${s}s per minute (${p}s per ecm CPU-minute); per 20 s window (CPU-s per minute):" \
    "$(awk -v k="$TCK" '$1 >= 10 { w = int(($1 - 10) / 20); if (!(w in c0)) { c0[w] = $2; t0[w] = $1 } c1[w] = $2; t1[w] = $1 }
        END { for (w = 0; w in c0; w++) if (t1[w] > t0[w]) printf " %.2f", (c1[w] - c0[w]) / k / (t1[w] - t0[w]) * 60 }' "$OUT/samples-$round.txt")"
done
echo "ecmpipe JVM CPU, $(nproc) cores, B1=$B1, $CURVES curves, $(grep -cv '^#' "$NUMBERS") numbers from $(basename "$NUMBERS"), median of $ROUNDS round(s):"
echo "  first 2 s          : $(median "${first2[@]}") CPU-s  (goal <= 0.6)"
echo "  2 s to 10 s        : $(median "${early[@]}") CPU-s"
echo "  from 10 s to the end: $(median "${steady[@]}") CPU-s per minute  (goal <= 0.3)"
echo "  the same per minute of the ecm children's CPU: $(median "${perecm[@]}") CPU-s"
