#!/usr/bin/env bash
# What a group's submissions cost PostgreSQL inside the one statement
# cchcd sends for them (submit_reports_many, sql/functions/050_reports.sql),
# by group size, without cchcd, the network or the other tenants' share of
# the wall clock (issue 15; docs/performance.md "A group's plain
# submissions set-based"): the backend's own CPU (utime + stime of
# /proc/<backend>/stat, read with pg_read_file), WAL bytes
# (pg_current_wal_lsn) and WAL records (pg_waldump --stats) per submission.
# Compares this tree's function with the one of an earlier commit, created
# beside it under another name, interleaved (before, after, before, …) in
# one session of one database, so both see the same data and the same
# machine.
#   bench/submit_many_cpu.sh [BUILD_DIR] [BEFORE_COMMIT]
# BUILD_DIR (build/bench) holds a cchcd of this tree; BEFORE_COMMIT
# (default 61d2e0d, main before this work). SIZES ("1 8 64"), SUBMISSIONS
# (per run, 640) and REPS (3) may be set in the environment. Each
# submission is one changed row of a report its commune sent before, made
# from the report's latest revision (what the load generator sends), each
# call its own transaction, fsync on, on scripts/bench's history
# (bench/history.sql: FROM_YEAR to 2026, default 2017), so plans are made
# on tables of the size the figures of docs/performance.md see. "docs only" is the cost of building
# the documents in SQL, which both sides pay and which is subtracted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib/pg.sh
BUILD=${1:-build/bench}
BEFORE=${2:-61d2e0d}
SIZES=${SIZES:-1 8 64}
SUBMISSIONS=${SUBMISSIONS:-640}
REPS=${REPS:-3}
PERIOD=2016-Y  # as scripts/bench: history fills 2017-2026
FROM_YEAR=${FROM_YEAR:-2017}

STATE=$(mktemp -d /tmp/cchc-many-cpu.XXXXXX)
chmod 755 "$STATE"
PG_PORT=$(( 40000 + RANDOM % 20000 ))
cleanup() { pg_stop "$STATE/pg" || true; rm -rf "$STATE"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
PG_FSYNC=on pg_start "$STATE/pg" "$PG_PORT"
export PGHOST=$STATE/pg PGPORT=$PG_PORT PGUSER=postgres
pg_createdb "$STATE/pg" "$PG_PORT" many
"$BUILD/server/cchcd" migrate --db "dbname=many" >/dev/null 2>&1
echo "Quan-tri-Can-Tho-2023" | "$BUILD/server/cchcd" create-admin --db "dbname=many" --user admin \
  >/dev/null 2>&1
# jit off, as cchcd's pool sets it (db/db_pool.c) and scripts/bench gives pgbench
export PGOPTIONS="-c jit=off"
PSQL=(psql -d many -qtAX -v ON_ERROR_STOP=1)

# the earlier commit's submit_reports_many, as submit_reports_many_before
git show "$BEFORE:sql/functions/050_reports.sql" |
  awk '/^CREATE OR REPLACE FUNCTION submit_reports_many\(/ {on = 1} on {print} on && /^\$\$;/ {exit}' |
  sed 's/FUNCTION submit_reports_many(/FUNCTION submit_reports_many_before(/' >"$STATE/before.sql"
grep -q submit_reports_many_before "$STATE/before.sql" || { echo "no submit_reports_many at $BEFORE" >&2; exit 1; }
"${PSQL[@]}" -f "$STATE/before.sql"

"${PSQL[@]}" <<SQL
SELECT field, message FROM period_action(jsonb_build_object(
    'actor', (SELECT jsonb_build_object('id', id::text, 'username', username, 'address', '127.0.0.1',
                                        'unit', unit_code) FROM account WHERE username = 'admin'),
    'action', 'open', 'period', '$PERIOD'));
SELECT a.field, a.message
  FROM generate_series($FROM_YEAR, 2026) y, unnest(ARRAY['Q1', '6M', '9M', 'Y']) k,
       LATERAL period_action(jsonb_build_object(
           'actor', (SELECT jsonb_build_object('id', id::text, 'username', username,
                                               'address', '127.0.0.1', 'unit', unit_code)
                       FROM account WHERE username = 'admin'),
           'action', 'open', 'period', y || '-' || k)) a;
\\i bench/history.sql
-- 64 communes that owe the period reports, one task each
CREATE TABLE bench_unit AS
SELECT row_number() OVER (ORDER BY e.unit_code)::int AS n, e.unit_code AS unit, min(e.task_id) AS task
  FROM expected_reports('$PERIOD') e JOIN org_unit u ON u.code = e.unit_code AND u.kind = 'commune'
 GROUP BY e.unit_code ORDER BY e.unit_code LIMIT 64;
-- a reporter of each (the request keys are claimed per account, and the
-- claim deletes the account's expired keys: one account for all would
-- make that grow with the run); the administrator's hash, never used
INSERT INTO account (username, unit_code, roles, password_hash)
SELECT 'many.' || b.n, b.unit, '{reporter}', (SELECT password_hash FROM account WHERE username = 'admin')
  FROM bench_unit b;
ALTER TABLE bench_unit ADD COLUMN account bigint;
UPDATE bench_unit b SET account = a.id FROM account a WHERE a.username = 'many.' || b.n;
-- a commune's one-row document, as cchcd's handler builds it, made from
-- the report's latest revision
CREATE FUNCTION bench_doc(unit text, task int) RETURNS jsonb LANGUAGE sql VOLATILE AS \$\$
    SELECT jsonb_build_object(
        'actor', jsonb_build_object('id', (SELECT b.account FROM bench_unit b WHERE b.unit = bench_doc.unit)::text,
                                    'username', (SELECT 'many.' || b.n FROM bench_unit b WHERE b.unit = bench_doc.unit),
                                    'address', '127.0.0.1', 'unit', unit),
        'unit', unit, 'caller_unit', unit, 'period', '$PERIOD', 'draft', false,
        'rows', jsonb_build_array(jsonb_build_object(
            'line', 2, 'task', task, 'status', 'in_progress', 'progress', '50',
            'results', 'Đo tải ' || gen_random_uuid(), 'difficulties', '', 'proposals', '',
            'indicators', '{}'::jsonb, 'key', 'row-' || gen_random_uuid(), 'resubmit', false,
            'base', (SELECT coalesce(max(x.revision), 0) FROM report x
                      WHERE x.period_id = '$PERIOD' AND x.unit_code = unit AND x.task_id = task))))
\$\$;
-- every report sent once, then statistics as autovacuum would make them
-- (plans made on tables never analysed read every revision per row)
SELECT count(*) FROM bench_unit b, submit_reports(bench_doc(b.unit, b.task)) s WHERE s.field IS NOT NULL;
ANALYZE;
SQL
[[ $("${PSQL[@]}" -c "SELECT count(*) FROM bench_unit") -eq 64 ]] || { echo "fewer than 64 communes" >&2; exit 1; }

# the script of one run: CALLS calls of FUNC with SIZE submissions each
run_sql() {
  local func=$1 size=$2 calls=$3 call
  if [[ $func == docs ]]; then
    call="SELECT count(*) FROM (SELECT array_agg(bench_doc(b.unit, b.task) ORDER BY b.n) AS d FROM bench_unit b WHERE b.n <= $size) x;"
  else
    call="SELECT count(*) FROM $func((SELECT array_agg(b.account ORDER BY b.n) FROM bench_unit b WHERE b.n <= $size),
      (SELECT array_agg('k-' || gen_random_uuid()) FROM generate_series(1, $size)),
      array_fill(70, ARRAY[$size]), array_fill(repeat('0', 64), ARRAY[$size]), interval '1 day',
      (SELECT array_agg(bench_doc(b.unit, b.task) ORDER BY b.n) FROM bench_unit b WHERE b.n <= $size)) s
      WHERE s.field IS NOT NULL;"
  fi
  local ticks="(split_part(pg_read_file('/proc/' || pg_backend_pid() || '/stat'), ' ', 14)::bigint
               + split_part(pg_read_file('/proc/' || pg_backend_pid() || '/stat'), ' ', 15)::bigint)"
  # warm-up: plans made, caches filled
  for _ in 1 2 3; do echo "$call"; done
  echo "SELECT $ticks AS t0, pg_current_wal_lsn() AS w0 \\gset"
  for ((c = 0; c < calls; c++)); do echo "$call"; done
  echo "SELECT $ticks - :t0, pg_current_wal_lsn() - :'w0', :'w0', pg_current_wal_lsn();"
}

TCK=$(getconf CLK_TCK)
WALDIR=$STATE/pg/data/pg_wal
echo "variant size rep cpu_us_per_submission wal_bytes_per_submission wal_records_per_submission refused_rows"
for rep in $(seq "$REPS"); do
  for size in $SIZES; do
    calls=$(( SUBMISSIONS / size )); ((calls > 0)) || calls=1
    for func in docs submit_reports_many_before submit_reports_many; do
      out=$(run_sql "$func" "$size" "$calls" | "${PSQL[@]}" -F' ')
      refused=$(echo "$out" | head -n -1 | awk '{s += $1} END {print s + 0}')
      read -r ticks wal w0 w1 <<<"$(echo "$out" | tail -1)"
      records=$("$(pg_bindir)/pg_waldump" -p "$WALDIR" -s "$w0" -e "$w1" --stats 2>/dev/null |
                awk '/^Total/ {print $2; exit}' || true)
      n=$(( calls * size ))
      python3 -c "import sys; t,w,r,n,tck=float(sys.argv[1]),float(sys.argv[2]),sys.argv[3],float(sys.argv[4]),float(sys.argv[5]); print(sys.argv[6], sys.argv[7], sys.argv[8], round(t*1e6/tck/n,1), round(w/n), round(float(r)/n,1) if r else '-', sys.argv[9])" \
        "$ticks" "$wal" "${records:-}" "$n" "$TCK" "$(case $func in docs) echo docs;; *_before) echo before;; *) echo after;; esac)" "$size" "$rep" "$refused"
    done
  done
done
