#!/usr/bin/env bash
# Results-server benchmark (issue 11: hostile input costs nothing).
#
# Starts `ecmpipe server` (embedded H2, no rate limit) and times honest submissions (a c80, B1=11000, 24 curves,
# no factor: what `ecmpipe run` sends) from 2 concurrent clients, twice in one run of this script:
#   1. alone                                  (the baseline)
#   2. while 4 abusive clients keep one request each in flight: a 20,000-digit composite with no factor below
#      10,000 (so only a full primality test could tell), which the old server tested for minutes inside its
#      transaction while holding a pool connection.
# Prints p50/p99 of the honest requests' times in both runs and the ratio of the p99s. Goal: p99 < 1 s under abuse.
#
# Usage: bench/server-abuse.sh [HONEST_REQUESTS_PER_CLIENT (default 150)]
# Needs curl, python3 (to build the abusive number) and 2 free cores.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
COUNT="${1:-150}"
OUT="$ROOT/bench/out/server-abuse"
rm -rf "$OUT" && mkdir -p "$OUT"

"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timings

# 10^19999 + k with no prime factor below 10,000: 20,000 digits that trial division cannot settle
python3 - "$OUT/abuse.json" <<'PY'
import sys
sys.set_int_max_str_digits(100000)
small = [p for p in range(3, 10000) if all(p % q for q in range(2, int(p ** 0.5) + 1))]
n = 10 ** 19999 + 1
while n % 2 == 0 or any(n % p == 0 for p in small):
    n += 2
open(sys.argv[1], "w").write('{"composite":"%d","client_id":"abuser","method":"ecm","program":"gmp-ecm",'
    '"parameters":{"b1":11000},"results":{"curves_completed":1}}' % n)
PY
C80=41102504354365448450885492790535450863294320203511315310560701004096184045175663

"$ROOT/bin/ecmpipe" server --port 0 --data-dir "$OUT/data" --rate-limit 0 >"$OUT/server.out" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*ecmpipe server on http://[^:]*:\([0-9]*\)/.*|\1|p' "$OUT/server.out")
  [ -n "$PORT" ] && break
  sleep 0.5
done
[ -n "${PORT:-}" ] || { echo "server did not start:"; cat "$OUT/server.out"; exit 1; }
URL="http://127.0.0.1:$PORT/api/v1/submit_result"

honest() { # $1 = label, $2 = client number: COUNT submissions, one after another; times in seconds
  for i in $(seq "$COUNT"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
      -d '{"submission_id":"'"$1-$2-$i"'","composite":"'"$C80"'","client_id":"honest'"$2"'","method":"ecm","program":"gmp-ecm",'\
'"parameters":{"b1":11000,"curves":24,"parametrization":3},"results":{"curves_completed":24,"execution_time":1.5}}' "$URL"
  done >"$OUT/$1-$2.times"
}
abuse() { # keeps one abusive request in flight until killed
  while true; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
      --data-binary @"$OUT/abuse.json" "$URL" >>"$OUT/abuse-$1.times" || true
  done
}
percentiles() { # p50 p99 over the times of files $@
  cat "$@" | awk '{ print $2 }' | sort -n | awk '{ t[NR] = $1 } END {
    p50 = t[int(NR * 0.50 + 0.5)]; p99 = t[int(NR * 0.99 + 0.5)]; printf "%.3f %.3f %d", p50, p99, NR }'
}
run() { # $1 = label
  honest "$1" 1 & local h1=$!
  honest "$1" 2 & local h2=$!
  wait "$h1" "$h2"
}

run warmup
run alone
for a in 1 2 3 4; do abuse "$a" & done
sleep 3 # the abusive requests are in flight
run abused
kill $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true

bad=$(cat "$OUT"/alone-*.times "$OUT"/abused-*.times | awk '$1 != 200' | wc -l)
read -r a50 a99 an <<<"$(percentiles "$OUT"/alone-*.times)"
read -r b50 b99 bn <<<"$(percentiles "$OUT"/abused-*.times)"
abusive=$(cat "$OUT"/abuse-*.times 2>/dev/null | wc -l)
abusive_p50=$(cat "$OUT"/abuse-*.times 2>/dev/null | awk '{ print $2 }' | sort -n | awk '{ t[NR] = $1 } END { if (NR) printf "%.2f", t[int(NR / 2 + 0.5)]; else print "-" }')
printf "honest submissions alone:        p50 %s s, p99 %s s (%s requests)\n" "$a50" "$a99" "$an"
printf "with 4 abusive requests in flight: p50 %s s, p99 %s s (%s requests)\n" "$b50" "$b99" "$bn"
printf "abusive requests answered meanwhile: %s (median %s s each)\n" "$abusive" "$abusive_p50"
printf "p99 ratio abused/alone: %s; non-200 honest answers: %s\n" "$(awk -v a="$b99" -v b="$a99" 'BEGIN { printf "%.2f", a / b }')" "$bad"
awk -v p="$b99" 'BEGIN { exit !(p < 1.0) }' && echo "goal p99 < 1 s under abuse: met" || echo "goal p99 < 1 s under abuse: NOT met"
