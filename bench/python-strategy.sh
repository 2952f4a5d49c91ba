#!/usr/bin/env bash
# ecmpipe against the Python pipeline's strategy (issue 15 items 4 and 5), both on the CPU.
#
# ecm-wrapper's run_batch_pipeline.py runs stage 1 of the next number on one device while stage 2 of the last one
# runs on W CPU workers, each given a fixed, contiguous part of the residue file, with a queue of depth 1 between
# them. Here that strategy is simulated with ecm itself (this script, no Python): stage 1 on one core
# (`ecm -save -c CURVES B1 0`), the residue file split in W parts (`split -n l/W`), one `ecm -resume PART B1 B2`
# per part, the next stage 1 handed over only once stage 2 has taken the previous one. Against it runs
# `ecmpipe run --no-gpu --b1 B1 [--b2 B2] --curves CURVES --stage2-workers W`, the same flags and nothing else (so
# the work-conserving default: 1 + W cores shared by both stages), and, for reference, the same with
# `--fixed-split` (stage 1 on one core, stage 2 on W workers: the pipeline before the work-conserving mode).
#
# Two batches of the 8 c80s of bench/numbers-c80.txt, B1=5e4, 40 curves, W=1:
#   balanced:   B2 = GMP-ECM's default (stage 2 about as long as stage 1)
#   unbalanced: B2 = 2e6 (stage 2 short: with a fixed split its core idles)
# Goal (issue 15): on the unbalanced batch, ecmpipe at most 0.80 of the Python strategy's wall time.
# Wall times include ecmpipe's JVM start-up. Needs 2 free cores (1 + W).
#
# Usage: bench/python-strategy.sh [ROUNDS (default 3)] [W (default 1)]
# The contestants take turns, ROUNDS times; medians are reported. About 40 s a round on a quiet 2-core machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
ROUNDS="${1:-3}"
W="${2:-1}"
B1=50000
CURVES=40
UNBALANCED_B2=2e6
NUMBERS="$ROOT/bench/numbers-c80.txt"
OUT="$ROOT/bench/out/python-strategy"
rm -rf "$OUT" && mkdir -p "$OUT"
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timings

# The Python pipeline's strategy. $1: B2 ("" for ecm's default), $2: a fresh directory.
python_strategy() {
  local b2="$1" dir="$2" count i=0
  mkdir -p "$dir"
  count=$(grep -c '^[0-9]' "$NUMBERS")
  # stage 2, one number after the other as the queue hands them over; each number's file split in W fixed parts
  (
    for j in $(seq "$count"); do
      while [ ! -e "$dir/ready.$j" ]; do sleep 0.005; done
      : > "$dir/taken.$j" # off the queue: the producer may put the next one
      split -n "l/$W" -d "$dir/s$j.sav" "$dir/s$j.part."
      for part in "$dir"/s"$j".part.*; do
        # shellcheck disable=SC2086 # an empty B2 is ecm's default
        ecm -resume "$part" "$B1" $b2 >"$part.out" &
      done
      wait
    done
  ) &
  local consumer=$!
  while read -r n; do
    [[ "$n" =~ ^[0-9] ]] || continue
    i=$((i + 1))
    echo "$n" | ecm -q -param 3 -save "$dir/s$i.sav" -c "$CURVES" "$B1" 0 >/dev/null # stage 1 on one core
    # queue of depth 1: put() waits while the previous number is still waiting in it
    if [ "$i" -gt 1 ]; then
      while [ ! -e "$dir/taken.$((i - 1))" ]; do sleep 0.005; done
    fi
    : > "$dir/ready.$i"
  done <"$NUMBERS"
  wait "$consumer"
}

# ecmpipe with the same flags. $1: B2 ("" for the default), $2: work dir, $3...: extra flags
ecmpipe_run() {
  local b2="$1" work="$2"
  shift 2
  local b2flag=()
  [ -n "$b2" ] && b2flag=(--b2 "$b2")
  "$ROOT/bin/ecmpipe" run --numbers-file "$NUMBERS" --no-gpu --b1 "$B1" "${b2flag[@]}" --curves "$CURVES" \
    --stage2-workers "$W" "$@" --no-submit --work-dir "$work" >"$work.out" 2>"$work.err"
}

declare -A times
for batch in balanced unbalanced; do
  for who in python ecmpipe fixed; do times[$batch.$who]=""; done
done
for round in $(seq "$ROUNDS"); do
  for batch in balanced unbalanced; do
    b2=""
    [ "$batch" = unbalanced ] && b2="$UNBALANCED_B2"
    d="$OUT/r$round-$batch"
    tp=$(timed python_strategy "$b2" "$d-python")
    te=$(timed ecmpipe_run "$b2" "$d-ecmpipe")
    tf=$(timed ecmpipe_run "$b2" "$d-fixed" --fixed-split)
    times[$batch.python]+="$tp "
    times[$batch.ecmpipe]+="$te "
    times[$batch.fixed]+="$tf "
    echo "round $round, $batch: python strategy ${tp}s, ecmpipe ${te}s (ratio $(ratio "$te" "$tp")), ecmpipe --fixed-split ${tf}s (ratio $(ratio "$tf" "$tp"))"
  done
done

# every contestant ran every curve: stage-2 curves in ecmpipe's results, Step 2 lines in the simulation's output
check() {
  local d="$OUT/r1-$1" want=$((CURVES * $(grep -c '^[0-9]' "$NUMBERS")))
  local py ep
  py=$(cat "$d-python"/*.out | grep -c '^Step 2 took' || true)
  ep=$(grep -o '"stage2_curves":[0-9]*' "$d-ecmpipe/results.jsonl" | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
  echo "$1: stage-2 curves python strategy $py, ecmpipe $ep (of $want)"
}

echo "python strategy vs ecmpipe: $(grep -c '^[0-9]' "$NUMBERS") c80s, B1=$B1, $CURVES curves, $W stage-2 worker(s), $(nproc) cores, median of $ROUNDS round(s)"
check balanced
check unbalanced
for batch in balanced unbalanced; do
  # shellcheck disable=SC2086
  p=$(median ${times[$batch.python]})
  # shellcheck disable=SC2086
  e=$(median ${times[$batch.ecmpipe]})
  # shellcheck disable=SC2086
  f=$(median ${times[$batch.fixed]})
  goal=""
  [ "$batch" = unbalanced ] && goal="  (goal <= 0.80)"
  printf '  %-10s python strategy %6.2fs  ecmpipe %6.2fs  ratio %s%s   ecmpipe --fixed-split ratio %s\n' \
    "$batch" "$p" "$e" "$(ratio "$e" "$p")" "$goal" "$(ratio "$f" "$p")"
done
