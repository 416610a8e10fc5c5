#!/usr/bin/env bash
# Runs one libFuzzer target for a while from its committed corpus and its
# crash regressions, with its dictionary when it has one; new inputs go to
# a scratch corpus under WORKDIR, never into the committed one. A crash,
# leak, timeout or sanitizer report leaves the reproducer in
# WORKDIR/<target>/crashes/, prints its path and fails.
#   fuzz/run_target.sh BINARY TARGET SECONDS WORKDIR
set -euo pipefail
bin=$1 name=$2 seconds=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "${work:?}/$name"  # a fresh scratch corpus: each run starts from the committed one
mkdir -p "$work/$name/corpus" "$work/$name/crashes"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
      -print_final_stats=1 -artifact_prefix="$work/$name/crashes/")
[[ -f $here/dict/$name.dict ]] && args+=(-dict="$here/dict/$name.dict")
dirs=("$work/$name/corpus" "$here/corpus/$name")
[[ -d $here/regressions/$name ]] && dirs+=("$here/regressions/$name")
log=$work/$name/log
if "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1; then
  grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$log" \
    | sed "s/^/[$name] /" || true
  exit 0
fi
tail -n 60 "$log"
echo "[$name] FAILED; reproducers:"
ls -1 "$work/$name/crashes/"* 2>/dev/null | sed 's/^/  /' || echo "  (none saved; see $log)"
echo "[$name] replay one with: $bin <file>"
exit 1
