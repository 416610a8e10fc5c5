#!/usr/bin/env bash
# Writes the message template (.pot) of cchc: every string the sources
# mark for translation. One list of sources and keywords, used by the
# `cchc-pot` build target and by tests/i18n/po_complete.sh, so the check
# and a translator see the same messages.
#   po/extract.sh SOURCE_DIR OUTPUT.pot [LEFT_OUT_FILE...]
# Keywords: _() translates at the call, ngettext(ONE, MANY, n) a message
# with a count (its plural forms), N_() marks a string a table keeps
# and translates where it is shown (client/core/i18n.h). The server's
# messages travel as English ids the client translates (docs/error-messages.md):
# the id argument of request_fail, request_fail_rows, request_fail_conflicts
# and request_fail_details, MSG_ID() elsewhere in server/ and common/, and
# the cchc_msg('…') ids of sql/functions/ (po/sql_msgids.sh).
set -euo pipefail
src=$(cd "$1" && pwd)
out=$2
shift 2
cd "$src"
# the client's sources, in a stable order so the template diffs cleanly
mapfile -t files < <(find client -name '*.[ch]' | LC_ALL=C sort | grep -vxF -f <(printf '%s\n' "$@" ""))
tmp=$(mktemp -d /tmp/cchc-pot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
  --add-comments=TRANSLATORS: --package-name=cchc --msgid-bugs-address="cchc issues" \
  --no-wrap -o "$tmp/client.pot" "${files[@]}"
mapfile -t server < <(find server common -name '*.[ch]' | LC_ALL=C sort | grep -vxF -f <(printf '%s\n' "$@" ""))
xgettext --language=C --from-code=UTF-8 --keyword --keyword=MSG_ID \
  --keyword=request_fail:3 --keyword=request_fail_rows:4 --keyword=request_fail_conflicts:4 \
  --keyword=request_fail_details:2 --flag=request_fail:3:c-format \
  --flag=request_fail_rows:4:c-format --flag=request_fail_conflicts:4:c-format \
  --flag=request_fail_details:2:c-format --flag=MSG_ID:1:c-format \
  --add-comments=TRANSLATORS: --package-name=cchc --msgid-bugs-address="cchc issues" \
  --no-wrap -o "$tmp/server.pot" "${server[@]}"
bash "$src/po/sql_msgids.sh" "$src" "$tmp/sql.pot"
msgcat --use-first --no-wrap -o "$out" "$tmp/client.pot" "$tmp/server.pot" "$tmp/sql.pot"
