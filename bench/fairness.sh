#!/usr/bin/env bash
# Measures the fair database queue (docs/security.md, "Fair service") on
# this machine: a release build of cchcd on a private PostgreSQL, once with
# each --db-fair-share given (default "4 0"; 0 is no cap, the queue as it
# was: whoever filled the pipelines first is served first), and for each:
#   1. a normal client's ping with a database round trip, and another
#      account's whoami, while one viewer floods from 8 connections with
#      200 `missing` requests each without reading (issue 11's case):
#      latency p50/p99;
#   2. throughput of 64 clients with one request in flight each: pings
#      through the database (each client its own group), then whoami in
#      one shared session (all 64 in one account's share).
# Prints figures; asserts nothing (timings are not tests).
#   bench/fairness.sh [SHARE...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib/pg.sh
if [[ $# -gt 0 ]]; then SHARES=("$@"); else SHARES=(4 0); fi
BUILD=$ROOT/build/bench
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCCHC_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >/dev/null
CCHCD=$BUILD/server/cchcd CCHC=$BUILD/client/cchc
STATE=$(mktemp -d /tmp/cchc-fair.XXXXXX); chmod 755 "$STATE"
PG_PORT=$(( 40000 + RANDOM % 20000 ))
SERVER_PID= FLOOD_PID=
stop_server() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=
}
stop_flood() {
  if [[ -n $FLOOD_PID ]]; then kill "$FLOOD_PID" 2>/dev/null || true; wait "$FLOOD_PID" 2>/dev/null || true; fi
  FLOOD_PID=
}
cleanup() { stop_flood || true; stop_server || true; pg_stop "$STATE/pg"; rm -rf "$STATE"; }
trap cleanup EXIT
PG_FSYNC=off pg_start "$STATE/pg" "$PG_PORT"
pg_createdb "$STATE/pg" "$PG_PORT" cchc
CONNINFO="host=$STATE/pg port=$PG_PORT user=postgres dbname=cchc"
"$CCHCD" migrate --db "$CONNINFO" >/dev/null 2>&1
echo "Quan-tri-Can-Tho-2023" | "$CCHCD" create-admin --db "$CONNINFO" --user admin >/dev/null 2>&1

start_server() { # SHARE
  "$CCHCD" serve --db "$CONNINFO" --listen 127.0.0.1:0 --db-fair-share "$1" \
    --max-connections-per-address 200 2>"$STATE/cchcd.log" &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$STATE/cchcd.log" | head -1)
    [[ -n $PORT ]] && break
    sleep 0.1
  done
  [[ -n $PORT ]] || { cat "$STATE/cchcd.log" >&2; exit 1; }
  for _ in $(seq 100); do "$CCHC" --server "127.0.0.1:$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
}
as() { XDG_CONFIG_HOME=$STATE/home-$1 "$CCHC" --server "127.0.0.1:$PORT" "${@:2}"; }
token_of() { sed -n 's/^token=//p' "$STATE/home-$1/cchc/session"; }

start_server 4
mkdir -p "$STATE/home-admin" "$STATE/home-flood"
echo "Quan-tri-Can-Tho-2023" | as admin login admin --password-stdin >/dev/null
echo "Xem-bao-cao-Can-Tho-2023" | as admin user add xem.flood --unit SNV --role viewer --password-stdin >/dev/null
echo "Xem-bao-cao-Can-Tho-2023" | as flood login xem.flood --password-stdin >/dev/null
as admin period open 2023-6M >/dev/null
ADMIN_TOKEN=$(token_of admin) FLOOD_TOKEN=$(token_of flood)
stop_server

for share in "${SHARES[@]}"; do
  start_server "$share"
  echo "===== --db-fair-share $share"
  "$BUILD/bench/bench_flood" --server "127.0.0.1:$PORT" --token "$FLOOD_TOKEN" \
    --connections 8 --requests 200 --type missing 2>/dev/null &
  FLOOD_PID=$!
  sleep 0.5 # the flood's requests are in; what follows waits behind them or not
  echo "-- a normal client's ping through the database during the flood (1 connection)"
  "$BUILD/bench/bench_ping" --server "127.0.0.1:$PORT" --connections 1 --depth 1 --requests 50 --db \
    | grep -E 'latency|throughput'
  echo "-- the administrator's whoami during the flood (1 connection)"
  "$BUILD/bench/bench_ping" --server "127.0.0.1:$PORT" --connections 1 --depth 1 --requests 50 \
    --token "$ADMIN_TOKEN" | grep -E 'latency|throughput'
  stop_flood
  echo "-- 64 clients, one ping through the database in flight each, no flood"
  "$BUILD/bench/bench_ping" --server "127.0.0.1:$PORT" --connections 64 --depth 1 --requests 20000 --db \
    | grep -E 'throughput|latency p'
  echo "-- 64 connections of one account, one whoami in flight each, no flood"
  "$BUILD/bench/bench_ping" --server "127.0.0.1:$PORT" --connections 64 --depth 1 --requests 20000 \
    --token "$ADMIN_TOKEN" | grep -E 'throughput|latency p'
  stop_server
done
