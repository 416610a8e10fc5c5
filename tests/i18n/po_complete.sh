#!/usr/bin/env bash
# Fails when a message the client can print has no Vietnamese translation:
# Vietnamese is the product's default language, so an untranslated message
# is English on a Vietnamese clerk's screen. Extracts the message ids afresh
# from the sources (po/extract.sh), merges them with po/vi.po and fails on
# any untranslated or fuzzy entry; also fails when msgfmt --check refuses
# po/vi.po (a format whose conversions differ from its msgid's, a duplicate).
#   tests/i18n/po_complete.sh SOURCE_DIR
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
po=$src/po/vi.po
tmp=$(mktemp -d /tmp/cchc-po.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

bash "$src/po/extract.sh" "$src" "$tmp/cchc.pot"

status=0
msgfmt --check -o /dev/null "$po" || { echo "FAIL: msgfmt --check refuses po/vi.po"; status=1; }
msgmerge --quiet --no-wrap --no-fuzzy-matching "$po" "$tmp/cchc.pot" -o "$tmp/merged.po"
untranslated=$(msgattrib --untranslated --no-obsolete --no-wrap "$tmp/merged.po" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/merged.po" | grep -c '^msgid ' || true)
# the header is one msgid "" in each listing
[[ $untranslated -gt 0 ]] && untranslated=$((untranslated - 1))
[[ $fuzzy -gt 0 ]] && fuzzy=$((fuzzy - 1))
if [[ $untranslated -gt 0 ]]; then
  echo "FAIL: $untranslated message(s) without a Vietnamese translation in po/vi.po:"
  msgattrib --untranslated --no-obsolete --no-wrap "$tmp/merged.po" | sed -n '/^#:/,/^$/p'
  status=1
fi
if [[ $fuzzy -gt 0 ]]; then
  echo "FAIL: $fuzzy fuzzy translation(s) in po/vi.po (check them, then drop the fuzzy flag):"
  msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/merged.po" | sed -n '/^#:/,/^$/p'
  status=1
fi
total=$(grep -c '^msgid ' "$tmp/cchc.pot"); total=$((total - 1))
echo "po/vi.po: $total message(s) checked, $untranslated untranslated, $fuzzy fuzzy"
exit $status
