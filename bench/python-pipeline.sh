#!/usr/bin/env bash
# ecmpipe beside ecm-wrapper's own run_batch_pipeline.py (issue 15's third target, against the real script rather
# than bench/python-strategy.sh's simulation of its strategy), both on the CPU.
#
# Needs a checkout of ecm-wrapper (https://github.com/kyleaskine/ecm-wrapper; nothing of it is kept in this
# repository) and a python3 with its two libraries (Debian: apt-get install python3-yaml python3-requests). Its
# client directory is copied to bench/out first, because the script writes its logs and residues under the
# directory it runs in; its client.yaml is used as it is (ecm from PATH, param 1 on the CPU, its own defaults).
#
# Both get the same flags and nothing else: --numbers-file (the 8 c80s of bench/numbers-c80.txt) --no-gpu
# --b1 5e4 --b2 B2 --curves 40 --stage2-workers W --no-submit, on two batches:
#   balanced:   B2 = 12746592, GMP-ECM's default for B1=5e4 (stage 2 about as long as stage 1), given explicitly
#               because the script runs no stage 2 at all without --b2 (its config's default B2 is 0)
#   unbalanced: B2 = 2e6 (stage 2 short: a fixed split leaves its core idle)
# Goal (issue 15): on the unbalanced batch, ecmpipe at most 0.80 of the script's wall time. The contestants take
# turns, ROUNDS times; medians are reported, and the stage-2 curves each ran are counted from its log and from
# ecmpipe's results (8 x 40 = 320 each).
#
# Usage: bench/python-pipeline.sh ECM_WRAPPER_DIR [ROUNDS (default 3)] [W (default 1)]; PYTHON=... picks the python.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
WRAPPER="${1:?usage: bench/python-pipeline.sh ECM_WRAPPER_DIR [ROUNDS] [W]}"
ROUNDS="${2:-3}"
W="${3:-1}"
PYTHON="${PYTHON:-python3}"
B1=50000
CURVES=40
BALANCED_B2=12746592
UNBALANCED_B2=2000000
NUMBERS="$ROOT/bench/numbers-c80.txt"
OUT="$ROOT/bench/out/python-pipeline"
[ -f "$WRAPPER/client/scripts/run_batch_pipeline.py" ] || {
  echo "$WRAPPER/client/scripts/run_batch_pipeline.py not found: give the directory of an ecm-wrapper checkout" >&2; exit 2; }
"$PYTHON" -c 'import yaml, requests' 2>/dev/null || {
  echo "$PYTHON cannot import yaml and requests (Debian: apt-get install python3-yaml python3-requests; or set PYTHON)" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"
# the client without its large binaries (bin/t-level is not used by the pipeline script)
mkdir -p "$OUT/client" && tar -C "$WRAPPER/client" --exclude=./bin --exclude=./data -cf - . | tar -C "$OUT/client" -xf -
grep '^[0-9]' "$NUMBERS" >"$OUT/numbers.txt"
COUNT=$(grep -c . "$OUT/numbers.txt")
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timings

# $1: B2, $2: log file
python_run() {
  (cd "$OUT/client" && rm -rf data && "$PYTHON" scripts/run_batch_pipeline.py --numbers-file "$OUT/numbers.txt" \
    --no-gpu --b1 "$B1" --b2 "$1" --curves "$CURVES" --stage2-workers "$W" --no-submit >"$2" 2>&1)
}
# $1: B2, $2: work dir
ecmpipe_run() {
  "$ROOT/bin/ecmpipe" run --numbers-file "$OUT/numbers.txt" --no-gpu --b1 "$B1" --b2 "$1" --curves "$CURVES" \
    --stage2-workers "$W" --no-submit --work-dir "$2" >"$2.out" 2>"$2.err"
}
# stage-2 curves the script's workers report ("Worker N completed (no factor) - C curves, ..."; a worker that finds a
# factor says it otherwise, and nothing is found in these numbers), and ecmpipe's results
python_curves() {
  { grep -o 'Worker [0-9]* completed.* - [0-9]* curves' "$1" 2>/dev/null || true; } | awk '{ s += $(NF - 1) } END { print s + 0 }'
}
ecmpipe_curves() {
  { grep -o '"stage2_curves":[0-9]*' "$1/results.jsonl" 2>/dev/null || true; } | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }'
}

declare -A times
want=$((COUNT * CURVES))
incomplete=0
for round in $(seq "$ROUNDS"); do
  for batch in balanced unbalanced; do
    b2=$BALANCED_B2
    [ "$batch" = unbalanced ] && b2=$UNBALANCED_B2
    d="$OUT/r$round-$batch"
    # who goes first alternates, so a machine slowing down over the run favours neither
    if [ $((round % 2)) = 1 ]; then
      tp=$(timed python_run "$b2" "$d-python.log"); te=$(timed ecmpipe_run "$b2" "$d-ecmpipe")
    else
      te=$(timed ecmpipe_run "$b2" "$d-ecmpipe"); tp=$(timed python_run "$b2" "$d-python.log")
    fi
    times[$batch.python]+="$tp "
    times[$batch.ecmpipe]+="$te "
    pc=$(python_curves "$d-python.log")
    ec=$(ecmpipe_curves "$d-ecmpipe")
    echo "round $round, $batch: run_batch_pipeline.py ${tp}s ($pc stage-2 curves), ecmpipe ${te}s ($ec stage-2" \
      "curves): ratio $(ratio "$te" "$tp")"
    if [ "$pc" != "$want" ] || [ "$ec" != "$want" ]; then
      # a contestant that failed or stopped early would be timed as if it had done the work
      echo "round $round, $batch: not every stage-2 curve ran (want $want each); see $d-python.log and $d-ecmpipe.err" >&2
      incomplete=1
    fi
  done
done

echo "ecmpipe vs ecm-wrapper's run_batch_pipeline.py ($(git -C "$WRAPPER" log -1 --format=%h 2>/dev/null || echo "not a git checkout")):" \
  "$COUNT c80s, B1=$B1, $CURVES curves, $W stage-2 worker(s), $(nproc) cores, median of $ROUNDS round(s)"
for batch in balanced unbalanced; do
  # shellcheck disable=SC2086
  p=$(median ${times[$batch.python]})
  # shellcheck disable=SC2086
  e=$(median ${times[$batch.ecmpipe]})
  goal=""
  [ "$batch" = unbalanced ] && goal="  (goal <= 0.80)"
  printf '  %-10s run_batch_pipeline.py %6.2fs  ecmpipe %6.2fs  ratio %s%s\n' "$batch" "$p" "$e" "$(ratio "$e" "$p")" "$goal"
done
[ "$incomplete" = 0 ] || { echo "some rounds did not run every curve: their times mean nothing" >&2; exit 1; }
