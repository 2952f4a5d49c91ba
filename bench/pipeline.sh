#!/usr/bin/env bash
# Pipeline benchmark (issue: ecmpipe run).
#
# 8 numbers (bench/numbers-c80.txt) whose stage 1 and stage 2 each take about 1 s on one core. ecmpipe runs
# stage 1 on the CPU (one process, standing in for the GPU) and stage 2 on one CPU worker, so the two stages
# have one core each. Run sequentially, the batch takes the sum of all stage times (ratio 1.0); pipelined,
# stage 1 of number N+1 runs during stage 2 of number N, so ideally (8 + 1) / 16 = 0.56. Goal: <= 0.62.
#
# Reported, all from the same run: the sum of every number's stage-1 and stage-2 wall time (from the results
# file), the pipeline's wall time (first stage-1 start to last result, from the results file), and the
# whole command's wall time (JVM start-up and probing ecm included).
#
# Usage: bench/pipeline.sh [B1 (default 250000)] [CURVES (default 7)] [B2 (default 2e8)]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
B1="${1:-250000}"
CURVES="${2:-7}"
B2="${3:-2e8}"
OUT="$ROOT/bench/out/pipeline"
rm -rf "$OUT" && mkdir -p "$OUT"
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timing

t0=$(date +%s.%N)
"$ROOT/bin/ecmpipe" run --numbers-file "$ROOT/bench/numbers-c80.txt" --no-gpu --b1 "$B1" --b2 "$B2" \
  --curves "$CURVES" --stage2-workers 1 --queue-depth 1 --no-submit --work-dir "$OUT/work" >"$OUT/run.out" 2>"$OUT/run.err"
t1=$(date +%s.%N)

# sum of stage times, and first start / last finish, from the results file
read -r stages s1sum s2sum first last < <(
  sed -E 's/.*"stage1_seconds":([0-9.]+),"stage2_seconds":([0-9.]+).*"started_at":"([^"]+)","finished_at":"([^"]+)".*/\1 \2 \3 \4/' \
    "$OUT/work/results.jsonl" | while read -r a b s f; do
      echo "$a $b $(date -d "$s" +%s.%N) $(date -d "$f" +%s.%N)"
    done | awk 'NR == 1 { first = $3; last = $4 }
               { s1 += $1; s2 += $2; if ($3 < first) first = $3; if ($4 > last) last = $4 }
               END { printf "%.3f %.3f %.3f %.6f %.6f\n", s1 + s2, s1, s2, first, last }')
pipeline_wall=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.3f", b - a }')
command_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
n=$(wc -l < "$OUT/work/results.jsonl")
echo "pipeline: $n numbers, B1=$B1, B2=$B2, $CURVES curves, stage 1 on 1 CPU process, 1 stage-2 worker, $(nproc) cores"
echo "  stage times: stage 1 ${s1sum}s + stage 2 ${s2sum}s = ${stages}s (sequential, ratio 1.000)"
echo "  pipelined  : ${pipeline_wall}s  ratio $(awk -v a="$pipeline_wall" -v b="$stages" 'BEGIN { printf "%.3f", a / b }')  (goal <= 0.62, ideal ~0.56)"
echo "  whole command incl. JVM start: ${command_wall}s  ratio $(awk -v a="$command_wall" -v b="$stages" 'BEGIN { printf "%.3f", a / b }')"
