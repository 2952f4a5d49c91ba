#!/usr/bin/env bash
# ecmpipe's own CPU while it feeds stage 2 (issue 15 item 2, the stage-2 side): `ecmpipe stage2 --workers 1` on
# CURVES short curves (a c80, B1=11000, nothing to find), the JVM's user+system time sampled from /proc/<pid>/stat
# (that process only, not its ecm child), from 3 s into the run (start-up over) to its end.
#
# Prints, per round and as medians: the run's wall time, the JVM's CPU-seconds from 3 s to the end, per minute of
# wall and per 100 curves (the curves are the same work every round, so that figure compares builds even when the
# machine's speed changes between rounds), and the stage-2 worker thread's wake-ups per curve (its voluntary context
# switches, /proc/<pid>/task/<tid>/status, over the whole run: each costs this kind of machine more CPU than what the
# thread does with the lines it reads). With curves shorter than 100 ms a worker keeps several lines in ecm and
# reads ecm's output once for several curves (ResumeWorker); B2 sets the curve length: 3e7 is about 35 ms a
# curve here, 1e8 about 80 ms (a sleep covers one curve or so), 3e8 about 150 ms (no sleeping: a wake-up a curve).
#
# Usage: bench/stage2-jvm-cpu.sh [B2 (default 3e7)] [CURVES (default 400)] [ROUNDS (default 3)]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
B2="${1:-3e7}"
CURVES="${2:-400}"
ROUNDS="${3:-3}"
B1=11000
OUT="$ROOT/bench/out/stage2-jvm-cpu"
rm -rf "$OUT" && mkdir -p "$OUT"
# c80 = p40 * p40: nothing to find at these bounds, so every curve runs
FAST=41102504354365448450885492790535450863294320203511315310560701004096184045175663
echo "$FAST" | ecm -q -param 3 -save "$OUT/residues.sav" -c "$CURVES" "$B1" 0 >/dev/null
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the measurement
TCK=$(getconf CLK_TCK)

walls=(); cpus=(); perMin=(); per100=(); wakes=()
for round in $(seq "$ROUNDS"); do
  rm -rf "$OUT/work"
  t0=$(now)
  "$ROOT/bin/ecmpipe" stage2 --resume "$OUT/residues.sav" --b2 "$B2" --workers 1 --no-submit \
    --work-dir "$OUT/work" >"$OUT/run.out" 2>"$OUT/run.err" &
  pid=$!
  at3=-1; t3=0; last=-1; lastT=0
  declare -A switches=()
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    for task in /proc/"$pid"/task/*; do
      [ "$(cat "$task/comm" 2>/dev/null)" = stage2-worker-1 ] || continue
      v=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$task/status" 2>/dev/null) || continue
      [ -n "$v" ] && switches[${task##*/}]=$v
    done
    t=$(seconds "$t0" "$(now)")
    read -r c _ <<<"$(cpu_ticks "$pid")"
    [ "$c" -lt 0 ] && break
    if [ "$at3" -lt 0 ] && awk -v t="$t" 'BEGIN { exit !(t >= 3) }'; then at3=$c; t3=$t; fi
    last=$c; lastT=$t
  done
  wait "$pid" || { echo "ecmpipe stage2 failed (round $round); see $OUT/run.err" >&2; exit 1; }
  if [ "$at3" -lt 0 ] || awk -v a="$t3" -v b="$lastT" 'BEGIN { exit !(b - a < 5) }'; then
    echo "the run lasted ${lastT}s: too short to measure (raise CURVES or B2)" >&2; exit 1
  fi
  cpu=$(awk -v a="$at3" -v b="$last" -v k="$TCK" 'BEGIN { printf "%.2f", (b - a) / k }')
  pm=$(awk -v c="$cpu" -v a="$t3" -v b="$lastT" 'BEGIN { printf "%.3f", c / (b - a) * 60 }')
  # the curves run from 3 s to the end: the whole run's curves times the share of its wall time after 3 s
  # (start-up takes well under 3 s, so this slightly undercounts them and overstates the per-curve cost)
  p100=$(awk -v c="$cpu" -v n="$CURVES" -v a="$t3" -v b="$lastT" 'BEGIN { printf "%.3f", c / (n * (b - a) / b) * 100 }')
  total=0; for tid in "${!switches[@]}"; do total=$((total + switches[$tid])); done
  wake=$(ratio "$total" "$CURVES")
  walls+=("$lastT"); cpus+=("$cpu"); perMin+=("$pm"); per100+=("$p100"); wakes+=("$wake")
  echo "round $round: run ${lastT}s; JVM CPU from 3 s to the end ${cpu}s: ${pm}s per minute, ${p100}s per 100 curves;" \
    "worker wake-ups ${wake} per curve"
done
echo "ecmpipe stage2 --workers 1 JVM CPU, $(nproc) cores, $CURVES curves on a c80, B1=$B1, B2=$B2, median of $ROUNDS round(s):"
echo "  run                : $(median "${walls[@]}") s"
echo "  JVM from 3 s       : $(median "${cpus[@]}") CPU-s, $(median "${perMin[@]}") CPU-s per minute (goal <= 0.3 in steady state)"
echo "  per 100 curves     : $(median "${per100[@]}") CPU-s (compare builds with this one)"
echo "  worker wake-ups    : $(median "${wakes[@]}") per curve"
