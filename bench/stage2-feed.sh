#!/usr/bin/env bash
# Stage-2 feed benchmark (issue 15 item 1): does a worker leave ecm idle between curves?
#
# 200 short curves (a c80, B1=11000, B2=1e7: about 20 ms each) run two ways, taking turns, ROUNDS times:
#   1. one `ecm -resume FILE B1 B2` process (ratio 1.0: ecm reads its next line at once)
#   2. `ecmpipe stage2 --workers 1` (JVM start-up included)
# With the next line queued in ecm the ratio is 1 plus start-up; a round trip through the JVM per curve
# adds a share of every curve on top. Prints each round and the median ratio.
#
# Usage: bench/stage2-feed.sh [CURVES (default 200)] [B2 (default 1e7)] [ROUNDS (default 3)]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
CURVES="${1:-200}"
B2="${2:-1e7}"
ROUNDS="${3:-3}"
B1=11000
OUT="$ROOT/bench/out/stage2-feed"
rm -rf "$OUT" && mkdir -p "$OUT"
# nothing to find at these bounds: c80 = p40 * p40
FAST=41102504354365448450885492790535450863294320203511315310560701004096184045175663
echo "$FAST" | ecm -q -param 3 -save "$OUT/residues.sav" -c "$CURVES" "$B1" 0 >/dev/null
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timings

quietly_timed() { local t0 t1; t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); seconds "$t0" "$t1"; }
run_ecmpipe() {
  rm -rf "$OUT/work"
  "$ROOT/bin/ecmpipe" stage2 --resume "$OUT/residues.sav" --b2 "$B2" --workers 1 --no-submit --work-dir "$OUT/work"
}
ratios=()
for round in $(seq "$ROUNDS"); do
  single=$(quietly_timed ecm -resume "$OUT/residues.sav" "$B1" "$B2")
  pipe=$(quietly_timed run_ecmpipe)
  r=$(ratio "$pipe" "$single")
  ratios+=("$r")
  echo "round $round: ecm -resume ${single}s, ecmpipe stage2 --workers 1 ${pipe}s, ratio $r"
done
echo "stage-2 feed: $CURVES curves on a c80, B1=$B1, B2=$B2, $(nproc) cores; median ratio $(median "${ratios[@]}") (1.0 plus JVM start-up is the ideal)"
