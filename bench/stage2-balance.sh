#!/usr/bin/env bash
# Stage-2 load balance benchmark (issue: load-balanced stage 2).
#
# A residue file whose first half of curves is about 3x slower than its second half (curves on a c200, then
# curves on a c80, same B1 and B2) is run three ways, in one run of this script on this machine:
#   1. one `ecm -resume FILE B1 B2` process                      (the baseline, ratio 1.0)
#   2. a contiguous half/half split: two ecm processes at once   (expected ~0.75: the slow half decides)
#   3. `ecmpipe stage2 --workers 2`                                (goal <= 0.55; ideal 0.50), two ways: its stage 2,
#      from the first number's start to the last result (from the results file: JVM start-up, probing ecm and exit
#      left out, as bench/pipeline.sh's "pipelined" figure), and the whole command, JVM start-up included
#   4. an even split made by hand: lines alternately to two ecm processes, so each gets half the slow and half the
#      fast curves (what the best static split could do: the machine's own limit for two processes at once,
#      with no JVM and no hand-offs; above 0.50 by whatever two ecm running together cost each other)
# Prints wall times and the ratios to the single process. Needs 2 free cores.
#
# Usage: bench/stage2-balance.sh [CURVES_PER_HALF (default 30)] [B2 (default 2e8)] [ROUNDS (default 3)]
# Each configuration runs ROUNDS times, taking turns; the medians are reported.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
CURVES="${1:-30}"
B2="${2:-2e8}"
ROUNDS="${3:-3}"
B1=11000
OUT="$ROOT/bench/out/stage2-balance"
rm -rf "$OUT" && mkdir -p "$OUT"

# nothing to find at these bounds: c200 = p100 * p100, c80 = p40 * p40
SLOW=34029468894445704316991458283335506849496386794905116277525083928770441958134800271742996042405623846060809279034371882556283065537075767516704640010721297052572922517711685174039745022569241824475083
FAST=41102504354365448450885492790535450863294320203511315310560701004096184045175663

echo "$SLOW" | ecm -q -param 3 -save "$OUT/slow.sav" -c "$CURVES" "$B1" 0 >/dev/null
echo "$FAST" | ecm -q -param 3 -save "$OUT/fast.sav" -c "$CURVES" "$B1" 0 >/dev/null
cat "$OUT/slow.sav" "$OUT/fast.sav" > "$OUT/residues.sav"
cp "$OUT/slow.sav" "$OUT/half1.sav"
cp "$OUT/fast.sav" "$OUT/half2.sav"
awk 'NR % 2 == 1' "$OUT/residues.sav" > "$OUT/even1.sav"
awk 'NR % 2 == 0' "$OUT/residues.sav" > "$OUT/even2.sav"

"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timings

run_single() {
  ecm -resume "$OUT/residues.sav" "$B1" "$B2" >"$OUT/single.out"
}
run_pair() { # two ecm -resume at once on $OUT/${1}1.sav and $OUT/${1}2.sav
  ecm -resume "$OUT/${1}1.sav" "$B1" "$B2" >"$OUT/${1}1.out" &
  local p1=$!
  ecm -resume "$OUT/${1}2.sav" "$B1" "$B2" >"$OUT/${1}2.out" &
  local p2=$!
  wait "$p1" "$p2"
}
run_split() { run_pair half; }
run_even() { run_pair even; }
run_ecmpipe() {
  rm -rf "$OUT/work"
  # --no-submit: no results server here (the other benchmarks do the same); with the default localhost:8000 and
  # nothing listening, the attempt to send and the wait for it at the end would be timed too (about 1 s)
  "$ROOT/bin/ecmpipe" stage2 --resume "$OUT/residues.sav" --b2 "$B2" --workers 2 --no-submit --work-dir "$OUT/work" \
    >"$OUT/ecmpipe.out" 2>&1
}
stage2_wall() { # first started_at to last finished_at in the results file
  sed -E 's/.*"started_at":"([^"]+)","finished_at":"([^"]+)".*/\1 \2/' "$OUT/work/results.jsonl" | while read -r s f; do
    echo "$(date -d "$s" +%s.%N) $(date -d "$f" +%s.%N)"
  done | awk 'NR == 1 { a = $1; b = $2 } { if ($1 < a) a = $1; if ($2 > b) b = $2 } END { printf "%.2f", b - a }'
}

# the three runs take turns, ROUNDS times, so a slow spell of the shared machine hits all of them alike
singles=(); splits=(); pipes=(); evens=(); walls=(); wall_ratios=(); pipe_ratios=(); even_ratios=(); split_ratios=()
for _ in $(seq "$ROUNDS"); do
  singles+=("$(timed run_single)")
  splits+=("$(timed run_split)")
  pipes+=("$(timed run_ecmpipe)")
  walls+=("$(stage2_wall)")
  evens+=("$(timed run_even)")
  split_ratios+=("$(ratio "${splits[-1]}" "${singles[-1]}")")
  wall_ratios+=("$(ratio "${walls[-1]}" "${singles[-1]}")")
  pipe_ratios+=("$(ratio "${pipes[-1]}" "${singles[-1]}")")
  even_ratios+=("$(ratio "${evens[-1]}" "${singles[-1]}")")
  echo "round ${#pipes[@]}: single ${singles[-1]}s, split ${splits[-1]}s, ecmpipe stage 2 ${walls[-1]}s (ratio ${wall_ratios[-1]}), whole command ${pipes[-1]}s (ratio ${pipe_ratios[-1]}), even split by hand ${evens[-1]}s (ratio ${even_ratios[-1]})"
done
single=$(median "${singles[@]}")
split=$(median "${splits[@]}")
pipe=$(median "${pipes[@]}")
wall=$(median "${walls[@]}")
even=$(median "${evens[@]}")

curves_done=$(grep -o '"stage2_curves":[0-9]*' "$OUT/work/results.jsonl" | cut -d: -f2 | awk '{ s += $1 } END { print s }')
# CPU ms ecm reports per curve, to show how uneven the halves are
ms() { grep -o 'Step 2 took [0-9]*ms' "$1" | grep -o '[0-9]*' | awk '{ s += $1 } END { printf "%.2f", s / 1000 }'; }
echo "stage-2 balance: $((2 * CURVES)) curves (first half on a c200, second on a c80), B1=$B1, B2=$B2, $(nproc) cores, median of $ROUNDS rounds"
echo "  stage-2 CPU time per half  : slow ${CURVES} curves $(ms "$OUT/half1.out")s, fast ${CURVES} curves $(ms "$OUT/half2.out")s"
echo "  single ecm -resume process : ${single}s  ratio 1.000"
echo "  (ratios: medians of each round's own ratio to that round's single process)"
echo "  contiguous half/half split : ${split}s  ratio $(median "${split_ratios[@]}")"
echo "  ecmpipe stage2 --workers 2 : stage 2 ${wall}s  ratio $(median "${wall_ratios[@]}")  (goal <= 0.55, ideal 0.500; curves completed: $curves_done)"
echo "                   whole command ${pipe}s  ratio $(median "${pipe_ratios[@]}")  (JVM start-up, probing ecm and exit included)"
echo "  even split by hand (2 ecm) : ${even}s  ratio $(median "${even_ratios[@]}")  (this machine's limit for two processes)"
echo "  ecmpipe stage 2 / even split: $(ratio "$wall" "$even")"
