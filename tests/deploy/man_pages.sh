#!/usr/bin/env bash
# Why this exists: a manual page is read by nobody who writes it, so a roff
# mistake or a command added without its page goes unseen. For every page
# under man/ (cchc.1, cchcd.8, and the Vietnamese man/vi/...):
#   - groff renders it for a UTF-8 terminal with every warning on (-ww) and
#     prints no warning, as does `man --warnings -l` when man-db is there;
#   - cchc(1) (each language) names every command of `cchc --list-commands`
#     and every long option of `cchc --help`; cchcd(8) names every long
#     option of `cchcd --help`.
#   tests/deploy/man_pages.sh SOURCE_DIR CCHC_BINARY CCHCD_BINARY
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cchc=${2:?the cchc binary}
cchcd=${3:?the cchcd binary}
tmp=$(mktemp -d /tmp/cchc-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
command -v groff >/dev/null || { echo "SKIP: groff not found (groff-base)"; exit 77; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# render PAGE: plain UTF-8 text (no bold or underline), warnings kept in $tmp/warn
render() {
    groff -man -ww -Tutf8 -K utf8 -P-cbu "$1" 2>"$tmp/warn"
}

mapfile -t pages < <(cd "$src" && find man -type f \( -name '*.1' -o -name '*.8' \) | LC_ALL=C sort)
[[ ${#pages[@]} -ge 2 ]] || fail "expected at least man/cchc.1 and man/cchcd.8, found: ${pages[*]:-none}"
for page in "${pages[@]}"; do
    render "$src/$page" >"$tmp/text"
    [[ -s $tmp/warn ]] && fail "$page: groff warns: $(cat "$tmp/warn")"
    [[ $(wc -l <"$tmp/text") -ge 40 ]] || fail "$page: renders to fewer than 40 lines"
    if command -v man >/dev/null; then
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$src/$page" >/dev/null 2>"$tmp/warn" ||
            fail "$page: man -l failed"
        [[ -s $tmp/warn ]] && fail "$page: man --warnings: $(cat "$tmp/warn")"
    fi
    case $page in
        */cchc.1)
            for word in $("$cchc" --list-commands | cut -d' ' -f1 | uniq) \
                        $("$cchc" --lang en --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
                grep -qwF -- "$word" "$tmp/text" || fail "$page does not name '$word'"
            done ;;
        */cchcd.8)
            for word in serve migrate create-admin version \
                        $("$cchcd" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
                grep -qwF -- "$word" "$tmp/text" || fail "$page does not name '$word'"
            done ;;
    esac
done

if ((failures > 0)); then
    echo "$failures manual page check(s) failed"
    exit 1
fi
echo "man pages: ${pages[*]} render without warnings and name every command and option"
