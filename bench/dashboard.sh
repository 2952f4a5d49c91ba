#!/usr/bin/env bash
# Dashboard benchmark (issue 13 item 5: every page loads in < 200 ms with 20,000 composites).
#
# Starts `ecmpipe server` (embedded H2 in a fresh data dir, no rate limit; or PostgreSQL with --db-url given as
# DB_URL/DB_USER/DB_PASSWORD, whose tables must be empty), loads 20,000 composites through the admin bulk route
# (4 projects of 5,000), then real submissions (SUBMISSIONS of them, default 2,000: B1 ladder, some stage 1 only,
# one in ten with a factor) and 40 leases from 10 hosts. Then times each dashboard page with curl, ROUNDS requests
# each (after 5 unmeasured), and prints median and p95 against the 200 ms target.
#
# Usage: bench/dashboard.sh [ROUNDS (default 50)]; REUSE=1 times the data set a previous run left in bench/out/dashboard
# (H2 only) instead of loading a new one.
# Needs curl and python3. Times are the whole HTTP round trip on loopback as curl sees it (time_total).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
ROUNDS="${1:-50}"
COMPOSITES=20000
SUBMISSIONS="${SUBMISSIONS:-2000}"
OUT="$ROOT/bench/out/dashboard"
LOAD=1
if [ "${REUSE:-0}" = 1 ] && [ -f "$OUT/data/ecmpipe.mv.db" ]; then
  LOAD=0
else
  rm -rf "$OUT" && mkdir -p "$OUT"
fi
export ADMIN_API_KEY=bench-admin-key

"$ROOT/bin/ecmpipe" --version >/dev/null # build the jar now, outside the timings

DB_ARGS=()
if [ -n "${DB_URL:-}" ]; then
  DB_ARGS=(--db-url "$DB_URL" --db-user "${DB_USER:-}")
  export ECMPIPE_DB_PASSWORD="${DB_PASSWORD:-}"
fi
"$ROOT/bin/ecmpipe" server --port 0 --data-dir "$OUT/data" --rate-limit 0 "${DB_ARGS[@]}" >"$OUT/server.out" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  PORT=$(sed -n 's|.*ecmpipe server on http://[^:]*:\([0-9]*\)/.*|\1|p' "$OUT/server.out")
  [ -n "$PORT" ] && break
  sleep 0.5
done
[ -n "${PORT:-}" ] || { echo "server did not start:"; cat "$OUT/server.out"; exit 1; }
BASE="http://127.0.0.1:$PORT"

if [ "$LOAD" = 1 ]; then
echo "loading $COMPOSITES composites, $SUBMISSIONS submissions and 40 leases..."
start=$(date +%s)
python3 - "$BASE" "$COMPOSITES" "$SUBMISSIONS" <<'PY'
import json, sys, urllib.request, urllib.parse
base, count, submissions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
key = {"X-Admin-Key": "bench-admin-key", "Content-Type": "application/json"}

def call(method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())

# composites: 3 * (10^74 + k), 75 digits, composite (3 divides them) and all distinct
numbers = [str(3 * (10 ** 74 + 2 * k + 1)) for k in range(count)]
per = count // 4
for p in range(4):
    out = call("POST", "/api/v1/admin/composites/bulk?project_name=project-%d" % p, numbers[p * per:(p + 1) * per], key)
    assert out["added"] == per, out
ladder = [(11000, 1873422), (50000, 12746592), (250000, 128992510)]
for i in range(submissions):
    k = (i * 7919) % count
    b1, b2 = ladder[i % 3]
    stage1_only = i % 5 == 0
    body = {"submission_id": "bench-%d" % i, "composite": numbers[k], "project": "project-%d" % (k // per),
            "client_id": "host-%d" % (i % 10), "method": "ecm", "program": "gmp-ecm", "program_version": "7.0.5",
            "parameters": {"b1": b1, "b2": 0 if stage1_only else b2, "curves": 24, "parametrization": 3, "sigma": "3:%d" % (1000 + i)},
            "results": {"curves_completed": 24, "execution_time": 12.5,
                        "factors_found": [{"factor": "3", "sigma": "3:%d" % (1000 + i)}] if i % 10 == 0 else []}}
    call("POST", "/api/v1/submit_result", body)
for i in range(40):
    call("GET", "/api/v1/ecm-work?client_id=host-%d&max_curves=50" % (i % 10))
PY
echo "loaded in $(( $(date +%s) - start )) s"
else
  echo "timing the data set already in $OUT/data"
fi

# the details page of a composite with work: the first one the submissions reached
DETAILS_ID=$(curl -s "$BASE/composites?project=project-0" | sed -n 's|.*<tr data-id="\([0-9]*\)">.*|\1|p' | head -n 1)
PAGES=(
  "/"
  "/composites"
  "/composites?page=200"
  "/composites?page=400"
  "/composites?project=project-2&page=50"
  "/composites?status=composite&page=300"
  "/composites?status=fully_factored"
  "/composites/$DETAILS_ID"
  "/leases"
)
printf "%-42s %10s %10s %8s  %s\n" page "median ms" "p95 ms" "bytes" "target 200 ms (p95 / target)"
for page in "${PAGES[@]}"; do
  for _ in 1 2 3 4 5; do curl -s -o /dev/null "$BASE$page"; done
  for _ in $(seq "$ROUNDS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' "$BASE$page"
  done >"$OUT/times"
  bad=$(awk '$1 != 200' "$OUT/times" | wc -l)
  [ "$bad" -eq 0 ] || { echo "$page: $bad answers were not 200"; exit 1; }
  sort -k2 -n "$OUT/times" | awk -v page="$page" '{ t[NR] = $2 * 1000; b = $3 } END {
    m = t[int(NR * 0.50 + 0.5)]; p = t[int(NR * 0.95 + 0.5)]
    printf "%-42s %10.1f %10.1f %8d  %s (%.2f)\n", page, m, p, b, (p < 200 ? "met" : "NOT met"), p / 200 }'
done
