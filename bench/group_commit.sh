#!/usr/bin/env bash
# Measures single-row report submissions through cchcd under several group
# commit settings (issue 15, deliver 1; docs/performance.md "Group
# commit"): a private PostgreSQL with default durability (fsync and
# synchronous_commit on), a fresh database per setting, 5 accounts (one per
# district), bench_submit at 8 and 64 connections; per run one JSON
# line with submissions/s, p50/p99, WAL bytes per submission
# (pg_current_wal_lsn before and after), WAL fsyncs per 100 submissions
# (pg_stat_wal), CPU time per submission of the database backends and of
# cchcd (/proc; on a shared machine the trustworthy figure) and the
# machine's load average.
#   bench/group_commit.sh [BUILD_DIR] [SETTING...]
# A SETTING is cchcd's group commit options joined by commas, e.g.
# "max=64,inflight=2,window=0,overlap=5000"; "off" is --group-commit-max 0, "none" no
# option at all (for a cchcd built before group commit, with BENCH_SUBMIT
# naming this tree's bench_submit). Defaults:
# off and a few settings around the chosen ones. SECONDS_PER_RUN (10)
# and CONNECTIONS ("8 64") may be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib/pg.sh
BUILD=${1:-build/bench}
shift || true
SETTINGS=("$@")
[[ ${#SETTINGS[@]} -gt 0 ]] || SETTINGS=(off "max=64,inflight=1,window=0"
                                         "max=64,inflight=2,window=0"
                                         "max=64,inflight=2,window=2000")
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONNECTIONS=${CONNECTIONS:-8 64}

STATE=$(mktemp -d /tmp/cchc-gc-bench.XXXXXX)
chmod 755 "$STATE"
PG_PORT=$(( 40000 + RANDOM % 20000 ))
CCHCD_PID=
cleanup() {
  [[ -n $CCHCD_PID ]] && kill "$CCHCD_PID" 2>/dev/null && wait "$CCHCD_PID" 2>/dev/null || true
  pg_stop "$STATE/pg" || true
  if [[ -n ${KEEP:-} ]]; then echo "kept $STATE" >&2; else rm -rf "$STATE"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PG_FSYNC=on pg_start "$STATE/pg" "$PG_PORT"
export PGHOST=$STATE/pg PGPORT=$PG_PORT PGUSER=postgres
export XDG_CONFIG_HOME=$STATE/home
mkdir -p "$XDG_CONFIG_HOME"
ADMIN_PASSWORD=Quan-tri-Can-Tho-2023
BENCH_PASSWORD=Bao-cao-Do-Tai-2023
UNITS=(Q-NINHKIEU Q-CAIRANG Q-BINHTHUY Q-OMON Q-THOTNOT)
PORT=$(( 20000 + RANDOM % 20000 ))
CCHC="$BUILD/client/cchc --server 127.0.0.1:$PORT"

sql() { psql -d "$DB" -Atqc "$1"; }
# CPU seconds (user + system) used so far by the processes named.
cpu_seconds() {
  local total=0 pid t
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    total=$((total + t))
  done
  echo "$total"
}
backends() { sql "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"; }

run=0
for setting in "${SETTINGS[@]}"; do
  args=()
  if [[ $setting == off ]]; then
    args=(--group-commit-max 0)
  elif [[ $setting == none ]]; then
    args=() # a cchcd without group commit (the one before issue 15)
  else
    IFS=, read -ra parts <<<"$setting"
    for part in "${parts[@]}"; do
      case ${part%%=*} in
        max) args+=(--group-commit-max "${part#*=}") ;;
        inflight) args+=(--group-commit-inflight "${part#*=}") ;;
        window) args+=(--group-commit-window-us "${part#*=}") ;;
        overlap) args+=(--group-commit-overlap-us "${part#*=}") ;;
        *) echo "unknown setting $part" >&2; exit 2 ;;
      esac
    done
  fi
  for conns in $CONNECTIONS; do
    run=$((run + 1))
    DB=gc$run
    pg_createdb "$STATE/pg" "$PG_PORT" "$DB"
    "$BUILD/server/cchcd" migrate --db "dbname=$DB" >/dev/null 2>&1
    echo "$ADMIN_PASSWORD" | "$BUILD/server/cchcd" create-admin --db "dbname=$DB" --user admin \
      >/dev/null 2>&1
    "$BUILD/server/cchcd" serve --db "dbname=$DB" --listen "127.0.0.1:$PORT" --log-level "${LOG_LEVEL:-warn}" \
      "${args[@]}" >"$STATE/cchcd-$run.log" 2>&1 &
    CCHCD_PID=$!
    for _ in $(seq 100); do $CCHC ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "$ADMIN_PASSWORD" | $CCHC login admin --password-stdin >/dev/null
    for a in "${!UNITS[@]}"; do
      echo "$BENCH_PASSWORD" | $CCHC user add "bench$a" --unit "${UNITS[$a]}" --role reporter \
        --password-stdin >/dev/null
    done
    $CCHC period open 2023-6M >/dev/null
    $CCHC period extend 2023-6M --unit-deadline 2099-01-01 --lead-deadline 2099-02-01 >/dev/null
    lsn0=$(sql "SELECT pg_current_wal_lsn()")
    syncs0=$(sql "SELECT wal_sync FROM pg_stat_wal")
    mapfile -t pids < <(backends)
    db_cpu0=$(cpu_seconds "${pids[@]}")
    cchcd_cpu0=$(cpu_seconds "$CCHCD_PID")
    result=$("${BENCH_SUBMIT:-$BUILD/bench/bench_submit}" --server "127.0.0.1:$PORT" --user bench \
      --password "$BENCH_PASSWORD" --accounts ${#UNITS[@]} --connections "$conns" \
      --seconds "$SECONDS_PER_RUN" --warmup 2 --run "r$run")
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    db_cpu=$(( $(cpu_seconds "${pids[@]}") - db_cpu0 ))
    cchcd_cpu=$(( $(cpu_seconds "$CCHCD_PID") - cchcd_cpu0 ))
    wal=$(sql "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')")
    syncs=$(( $(sql "SELECT wal_sync FROM pg_stat_wal") - syncs0 ))
    total=$(sed -E 's/.*"total_sent": ([0-9]+).*/\1/' <<<"$result")
    kill "$CCHCD_PID"; wait "$CCHCD_PID" || true
    CCHCD_PID=
    per=$(( total > 0 ? ${wal%.*} / total : 0 ))
    # clock ticks (1/100 s) per submission, shown in microseconds
    tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
    db_us=$(( total > 0 ? db_cpu * tick_us / total : 0 ))
    cchcd_us=$(( total > 0 ? cchcd_cpu * tick_us / total : 0 ))
    syncs_pct=$(( total > 0 ? syncs * 100 / total : 0 ))
    extra="\"wal_bytes_per_submission\": $per, \"wal_fsyncs_per_100\": $syncs_pct,"
    extra+=" \"db_cpu_us_per_submission\": $db_us, \"cchcd_cpu_us_per_submission\": $cchcd_us,"
    extra+=" \"loadavg\": \"$load\""
    echo "{\"setting\": \"$setting\", ${result#\{}" | sed -E "s/\}$/, $extra}/"
  done
done
