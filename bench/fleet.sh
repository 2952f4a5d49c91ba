#!/usr/bin/env bash
# Fleet at scale (issue 13 item 6): simulated workers against TWO `ecmpipe server` processes on one PostgreSQL
# database, one of them killed with SIGKILL mid-run and restarted; then the database is checked.
#
#   1. creates a fresh database (and a role) on the local PostgreSQL cluster, dropped again at the end;
#   2. starts two servers (java -jar ecmpipe.jar server, 127.0.0.1, ports of their own, --lease-seconds short so
#      that vanished workers' leases expire within the run, no rate limit);
#   3. runs the load generator (bench/fleet, org.ecmpipe.bench.fleet.FleetBench): FLEET_WORKERS simulated workers on
#      virtual threads for FLEET_SECONDS, each request to the next server in turn, failing over to the other on a
#      connection error or 503 with the same body (same submission_id): lease, heartbeat, submit, complete; some
#      abandon, some vanish (their lease expires); one in ten upload stage-1 residues, one in ten claim them, verify
#      the download's SHA-256, submit the stage 2 and complete the residue;
#   4. at FLEET_KILL_AT seconds kill -9 server 1, and restart it on the same port FLEET_DOWN seconds later;
#   5. the generator checks the database: zero double leases (one lease id handed to two workers; or curves leased
#      on a composite beyond its curves_to_target at the grant: see FleetAudit), zero lost results (every
#      acknowledged submission stored exactly once, as acknowledged), nothing credited twice; prints p50/p95/p99
#      lease latency, throughput and errors. Exit status non-zero on any violation.
#
# Usage: bench/fleet.sh   (env: FLEET_WORKERS=200 FLEET_SECONDS=60 FLEET_COMPOSITES=20 FLEET_LEASE_SECONDS=15
#                               FLEET_KILL_AT=FLEET_SECONDS/3 FLEET_DOWN=5 FLEET_PG_PORT=5432 FLEET_SEED=1)
# Needs a local PostgreSQL cluster this user can administer: as root through `su postgres -c psql`, otherwise
# `psql` as the current user (a superuser role); set FLEET_PSQL to override. Traffic: 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/bin/lib/java.sh"
WORKERS="${FLEET_WORKERS:-200}"
SECONDS_="${FLEET_SECONDS:-60}"
COMPOSITES="${FLEET_COMPOSITES:-20}"
LEASE="${FLEET_LEASE_SECONDS:-15}"
KILL_AT="${FLEET_KILL_AT:-$((SECONDS_ / 3))}"
DOWN="${FLEET_DOWN:-5}"
PG_PORT="${FLEET_PG_PORT:-5432}"
SEED="${FLEET_SEED:-1}"
OUT="$ROOT/bench/out/fleet"
rm -rf "$OUT" && mkdir -p "$OUT"

psql_admin() { # runs one SQL command as a database superuser
  if [ -n "${FLEET_PSQL:-}" ]; then
    $FLEET_PSQL -p "$PG_PORT" -qAtc "$1"
  elif [ "$(id -u)" = 0 ]; then
    su postgres -c "psql -p $PG_PORT -qAtc \"$1\""
  else
    psql -p "$PG_PORT" -d postgres -qAtc "$1"
  fi
}

echo "fleet: building the server jar and the load generator..."
(cd "$ROOT" && ./mvnw -q -B -DskipTests -pl ecmpipe-cli,bench/fleet -am package) >"$OUT/build.log" 2>&1 \
  || { tail -n 30 "$OUT/build.log"; exit 1; }
JAR="$ROOT/ecmpipe-cli/target/ecmpipe.jar"
FLEET_JAR="$ROOT/bench/fleet/target/ecmpipe-fleet.jar"

DB="ecmpipe_fleet_$$"
ROLE="ecmpipe_fleet"
export FLEET_DB_PASSWORD="fleet-$$-$RANDOM"
export ADMIN_API_KEY="fleet-admin-$$-$RANDOM"
S1=""
S2=""
GEN=""
cleanup() { # on any exit (also Ctrl-C): the generator and the servers this script started, then the database
  for p in $GEN $S1 $S2; do kill -9 "$p" 2>/dev/null || true; done
  for p in $GEN $S1 $S2; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ -z "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
  psql_admin "CREATE ROLE $ROLE LOGIN" >/dev/null
fi
psql_admin "ALTER ROLE $ROLE PASSWORD '$FLEET_DB_PASSWORD'" >/dev/null
psql_admin "CREATE DATABASE $DB OWNER $ROLE" >/dev/null
URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB"

start_server() { # $1 = name, $2 = port (0: any); prints the pid; the port appears in $OUT/$1.out
  "$JAVA_HOME/bin/java" -Xmx512m -jar "$JAR" server --host 127.0.0.1 --port "$2" --db-url "$URL" --db-user "$ROLE" \
    --db-password-env FLEET_DB_PASSWORD --rate-limit 0 --lease-seconds "$LEASE" >>"$OUT/$1.out" 2>&1 &
  echo $!
}
port_of() { # $1 = name: waits for the server's "listening" line
  local port=""
  for _ in $(seq 120); do
    port=$(sed -n 's|.*ecmpipe server on http://[^:]*:\([0-9]*\)/.*|\1|p' "$OUT/$1.out" | tail -n 1)
    [ -n "$port" ] && break
    sleep 0.5
  done
  [ -n "$port" ] || { echo "fleet: server $1 did not start:" >&2; tail -n 20 "$OUT/$1.out" >&2; exit 1; }
  echo "$port"
}
S1=$(start_server s1 0)
P1=$(port_of s1) # the first server creates the schema (Flyway) before the second starts
S2=$(start_server s2 0)
P2=$(port_of s2)
echo "fleet: servers on 127.0.0.1:$P1 (pid $S1) and 127.0.0.1:$P2 (pid $S2), database $DB, lease $LEASE s"

"$JAVA_HOME/bin/java" -jar "$FLEET_JAR" --server "http://127.0.0.1:$P1" --server "http://127.0.0.1:$P2" --db-url "$URL" \
  --db-user "$ROLE" --db-password-env FLEET_DB_PASSWORD --workers "$WORKERS" --seconds "$SECONDS_" \
  --composites "$COMPOSITES" --seed "$SEED" >"$OUT/fleet.out" 2>&1 &
GEN=$!
tail -n +1 -f --pid="$GEN" "$OUT/fleet.out" &

# the fault: kill -9 server 1 while the workers run, restart it on the same port
sleep "$((KILL_AT + 3))" # + the generator's start and set-up
kill -9 "$S1"
while kill -0 "$S1" 2>/dev/null; do sleep 0.1; done
echo "fleet: $(date +%T) server 1 (pid $S1) killed with SIGKILL"
sleep "$DOWN"
S1=$(start_server s1 "$P1")
for _ in $(seq 120); do
  [ "$(grep -c 'ecmpipe server on' "$OUT/s1.out")" -ge 2 ] && break
  sleep 0.5
done
echo "fleet: $(date +%T) server 1 restarted (pid $S1)"

set +e
wait "$GEN"
STATUS=$?
GEN="" # reaped: its pid may be reused
set -e
sleep 0.5 # tail prints the rest
if grep -q '^fleet: correctness: zero' "$OUT/fleet.out" && [ "$STATUS" = 0 ]; then
  echo "fleet: PASS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
else
  echo "fleet: FAIL (exit $STATUS); server logs in $OUT" >&2
  exit 1
fi
