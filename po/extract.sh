#!/usr/bin/env bash
# Writes the message template (.pot) of cchc: every string the sources
# mark for translation. One list of sources and keywords, used by the
# `cchc-pot` build target and by tests/i18n/po_complete.sh, so the check
# and a translator see the same messages.
#   po/extract.sh SOURCE_DIR OUTPUT.pot [LEFT_OUT_FILE...]
# (tests/i18n/po_complete.sh leaves out the files po/pending names)
# Keywords: _() translates at the call, N_() marks a string a table keeps
# and translates where it is shown (client/core/i18n.h).
set -euo pipefail
src=$(cd "$1" && pwd)
out=$2
shift 2
cd "$src"
# the client's sources, in a stable order so the template diffs cleanly
mapfile -t files < <(find client -name '*.[ch]' | LC_ALL=C sort | grep -vxF -f <(printf '%s\n' "$@" ""))
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
  --add-comments=TRANSLATORS: --package-name=cchc --msgid-bugs-address="cchc issues" \
  --no-wrap -o "$out" "${files[@]}"
