#!/usr/bin/env bash
# Pipeline benchmark (issue: ecmpipe run).
#
# 8 numbers (bench/numbers-c80.txt) whose stage 1 and stage 2 each take about 1 s on one core. ecmpipe runs
# stage 1 on the CPU (one process, standing in for the GPU) and stage 2 on one CPU worker, so the two stages
# have one core each (--fixed-split: without it, both stages would share both cores, see python-strategy.sh). Run sequentially, the batch takes the sum of all stage times (ratio 1.0); pipelined,
# stage 1 of number N+1 runs during stage 2 of number N, so ideally (8 + 1) / 16 = 0.5625. Goal: <= 0.58.
#
# Reported, all from the same run: the sum of every number's stage-1 and stage-2 wall time (from the results
# file), the pipeline's wall time (first stage-1 start to last result, from the results file), and the
# whole command's wall time (JVM start-up and probing ecm included).
#
# Balanced stages: the goal is about balanced numbers, and with unequal stages no schedule reaches (N + 1) / 2N (the
# script prints the best any schedule could do with the stage times it measured). ecm's stage-2 time moves in steps
# of about 17 % as B2 grows (its block count k changes), so B2 cannot balance the stages finely; stage 1's time is
# proportional to B1. So with B1 "balance" (the default) the script first times, on this machine, now, 3 x stage 1
# of the first number at B1=250000 and 3 x stage 2 of its residues at B2 with bare ecm, and takes
# B1 = 250000 x (stage-2 time / stage-1 time), rounded to 1000. A number given as B1 is used as it is.
#
# Usage: bench/pipeline.sh [B1 (default balance)] [CURVES (default 7)] [B2 (default 2e8)] [ROUNDS (default 3)]
# Every round's ratios come from that round alone (its own sum of stage times); the medians are reported.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bench/lib.sh" # now, median, cpu_ticks, seconds, ratio, timed
B1="${1:-balance}"
CURVES="${2:-7}"
B2="${3:-2e8}"
ROUNDS="${4:-3}"
OUT="$ROOT/bench/out/pipeline"
rm -rf "$OUT" && mkdir -p "$OUT"
"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timing

if [ "$B1" = balance ]; then
  first=$(grep -v '^#' "$ROOT/bench/numbers-c80.txt" | head -1)
  t1s=(); t2s=()
  for i in 1 2 3; do
    a=$(now); echo "$first" | ecm -q -param 3 -save "$OUT/balance.sav" -c "$CURVES" 250000 0 >/dev/null; b=$(now)
    ecm -resume "$OUT/balance.sav" 250000 "$B2" >/dev/null; c=$(now)
    rm -f "$OUT/balance.sav"
    t1s+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }')"); t2s+=("$(awk -v a="$b" -v b="$c" 'BEGIN { printf "%.3f", b - a }')")
  done
  t1=$(median "${t1s[@]}"); t2=$(median "${t2s[@]}")
  B1=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%d", int(250000 * b / a / 1000 + 0.5) * 1000 }')
  echo "balance: stage 1 at B1=250000 took ${t1}s (${t1s[*]}), stage 2 at B2=$B2 ${t2}s (${t2s[*]}): B1=$B1"
fi
ratios=(); cmd_ratios=(); seqs=(); pipes=(); bounds=()
for round in $(seq "$ROUNDS"); do
  rm -rf "$OUT/work"
  t0=$(date +%s.%N)
  "$ROOT/bin/ecmpipe" run --numbers-file "$ROOT/bench/numbers-c80.txt" --no-gpu --b1 "$B1" --b2 "$B2" \
    --curves "$CURVES" --stage2-workers 1 --fixed-split --queue-depth 1 --no-submit --work-dir "$OUT/work" >"$OUT/run.out" 2>"$OUT/run.err"
  t1=$(date +%s.%N)

  # sum of stage times, and first start / last finish, from the results file
  # the best any schedule could do with these very stage times (one core per stage, numbers in this order): the
  # largest, over k, of stage 1 of numbers 1..k plus stage 2 of numbers k..N (the two-machine flow-shop bound); with
  # balanced stages it is (N + 1) / 2N of the sum
  bound=$(sed -E 's/.*"stage1_seconds":([0-9.]+),"stage2_seconds":([0-9.]+).*"started_at":"([^"]+)".*/\3 \1 \2/' \
      "$OUT/work/results.jsonl" | sort | awk '{ a[NR] = $2; b[NR] = $3 }
        END { best = 0; for (k = 1; k <= NR; k++) { t = 0; for (i = 1; i <= k; i++) t += a[i]; for (i = k; i <= NR; i++) t += b[i];
              if (t > best) best = t }; printf "%.3f", best }')
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
  r=$(ratio "$pipeline_wall" "$stages")
  rc=$(ratio "$command_wall" "$stages")
  rb=$(ratio "$bound" "$stages")
  ratios+=("$r"); cmd_ratios+=("$rc"); seqs+=("$stages"); pipes+=("$pipeline_wall"); bounds+=("$rb")
  echo "round $round: stage 1 ${s1sum}s + stage 2 ${s2sum}s = ${stages}s; pipelined ${pipeline_wall}s (ratio $r; best possible for these stage times $rb); whole command ${command_wall}s (ratio $rc)"
done
ideal=$(awk -v n="$n" 'BEGIN { printf "%.3f", (n + 1) / (2 * n) }')
echo "pipeline: $n numbers, B1=$B1, B2=$B2, $CURVES curves, stage 1 on 1 CPU process, 1 stage-2 worker, $(nproc) cores, median of $ROUNDS round(s)"
echo "  sequential (sum of stage times): $(median "${seqs[@]}")s  ratio 1.000"
echo "  pipelined  : $(median "${pipes[@]}")s  ratio $(median "${ratios[@]}")  (goal <= 0.58; ideal for balanced stages (N+1)/2N = $ideal)"
echo "  best possible for the stage times measured: ratio $(median "${bounds[@]}")  (above $ideal when the stages are not balanced)"
echo "  whole command incl. JVM start: ratio $(median "${cmd_ratios[@]}")"
