#!/usr/bin/env bash
# Writes the pgbench script of scripts/bench's submission baseline: what
# cchcd runs for one `report_submit`, statement for statement, their texts
# taken from cchcd itself (cchc-bench-sql prints server/db/statements.c's),
# so the baseline follows cchcd's SQL when it changes:
#   the session check with the request key's look-up (its own round trip,
#   cchc_session_check_keyed, as rpc/dispatch.c sends it for a keyed write),
#   then in one transaction, pipelined as cchcd's pool pipelines them:
#   the request-key claim and submit_reports; then the stored answer and
#   the commit (cchcd sends these once it has read submit_reports' rows).
# Each $N of a statement becomes a pgbench expression; the document
# submit_reports gets is built in SQL with the keys cchcd's handler puts in
# it (server/handlers/reports.c). Each pgbench client writes the reports
# of one unit (its row of :tasks), one task after another, with a fresh
# idempotency key and the report's latest revision as the base (one primary
# key probe, the only statement text cchcd does not send), so nothing
# conflicts, as with the load generator.
#   bench/pgbench_submit.sh CCHC_BENCH_SQL ROWS > submit.sql
# ROWS 1: one report per transaction; ROWS 60: a district's template.
# Variables to give with pgbench -D: session (a session's token hash, hex),
# idle (seconds), accounts, usernames, units ('{…}' arrays, one per
# client), tasks ('{{…},{…}}', one row per client), ntasks (tasks per
# row), period, tag (distinct per run: it makes keys and texts new, so
# every row changes its report), digest (64 hex), answer (hex), n=0.
set -euo pipefail
SQL=$1 ROWS=$2
stmt() { "$SQL" "$1"; }
# sub TEXT N EXPR: replaces $N (not $N0…) with (EXPR)
sub() {
  local text=$1 n=$2 expr=$3
  perl -pe 'BEGIN { $e = shift @ARGV; $n = shift @ARGV } s/\$$n(?![0-9])/($e)/g' "$expr" "$n" <<<"$text"
}
# pgbench's variables reach PostgreSQL as parameters of unknown type: cast
N=':n::int' C=':client_id::int'
ACCOUNT="(:accounts::text[])[$C + 1]"
USERNAME="(:usernames::text[])[$C + 1]"
UNIT="(:units::text[])[$C + 1]"
KEY="'pgbench-key-' || :tag::text || '-' || $C || '-' || $N"
BASE_OF() { echo "(SELECT coalesce(max(x.revision), 0) FROM report x WHERE x.period_id = :period::text AND x.unit_code = $UNIT AND x.task_id = $1)"; }
ROW() { # task expression, line expression, key expression
  echo "jsonb_build_object('line', $2, 'task', $1, 'status', 'in_progress', 'progress', ($N % 100)::text, 'results', 'Kết quả đo tải, lần ' || $N || ' ' || :tag::text, 'difficulties', '', 'proposals', '', 'indicators', '{}'::jsonb, 'key', $3, 'base', $(BASE_OF "$1"), 'resubmit', false)"
}
if [[ $ROWS -eq 1 ]]; then
  ROWS_EXPR="jsonb_build_array($(ROW "(:tasks::int[])[$C + 1][($N % :ntasks::int) + 1]" 1 "$KEY"))"
else
  ROWS_EXPR="(SELECT jsonb_agg($(ROW t.task t.ord "$KEY || '-' || t.ord") ORDER BY t.ord) FROM unnest(((:tasks::int[])[($C + 1) : ($C + 1)][1 : $ROWS])) WITH ORDINALITY AS t(task, ord))"
fi
DOC="jsonb_build_object('actor', jsonb_build_object('id', $ACCOUNT, 'username', $USERNAME, 'address', '127.0.0.1', 'unit', $UNIT), 'unit', $UNIT, 'caller_unit', $UNIT, 'period', :period::text, 'draft', false, 'rows', $ROWS_EXPR)::text"

session=$(stmt cchc_session_check_keyed)
session=$(sub "$session" 1 ':session'); session=$(sub "$session" 2 ':idle')
session=$(sub "$session" 3 "$KEY")
claim=$(stmt cchc_request_key_claim)
claim=$(sub "$claim" 1 "$ACCOUNT"); claim=$(sub "$claim" 2 "$KEY")
claim=$(sub "$claim" 3 '70'); claim=$(sub "$claim" 4 ':digest')
submit=$(stmt cchc_report_submit); submit=$(sub "$submit" 1 "$DOC")
store=$(stmt cchc_request_key_store)
store=$(sub "$store" 1 "$ACCOUNT"); store=$(sub "$store" 2 "$KEY"); store=$(sub "$store" 3 ':answer')

cat <<SCRIPT
\\set n :n + 1
$session;
\\startpipeline
BEGIN;
$claim;
$submit;
\\endpipeline
\\startpipeline
$store;
COMMIT;
\\endpipeline
SCRIPT
