#!/usr/bin/env bash
# Why this exists: bash completion (completion/cchc.bash) is only ever
# exercised by a person pressing TAB, so a renamed command or a broken
# `cchc --complete` would go unnoticed. This sources the script in bash
# with the built cchc first on PATH, sets COMP_WORDS/COMP_CWORD as bash
# does, calls the completion function and checks COMPREPLY:
#   - commands, subcommands and a command's options (from its --help);
#   - option values the script knows (--format of template and export);
#   - period ids, task ids and unit codes from `cchc --complete`, answered
#     offline from a fresh cache planted beside a session for the default
#     server (no server runs: a connection would fail);
#   - silence: with no cache and no server, nothing is offered and nothing
#     is printed, and `cchc --complete` exits non-zero without a word;
#     a cache of another server is not used.
#   tests/deploy/completion.sh SOURCE_DIR CCHC_BINARY
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cchc=${2:?the cchc binary}
tmp=$(mktemp -d /tmp/cchc-completion.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$(cd "$(dirname "$cchc")" && pwd)/$(basename "$cchc")" "$tmp/bin/cchc"
export PATH=$tmp/bin:$PATH XDG_CONFIG_HOME=$tmp/config HOME=$tmp/home
unset CCHC_SERVER CCHC_CA CCHC_PIN
mkdir -p "$HOME"

# shellcheck source=../../completion/cchc.bash
. "$src/completion/cchc.bash"

failures=0
# complete WORDS...: the last word is the one being completed; sets
# COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD as bash does (which
# splits words at ':' and '=' too), prints COMPREPLY sorted, one a line
complete_line() {
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    read -ra COMP_WORDS <<<"$(sed 's/\([:=]\)/ \1 /g' <<<"$COMP_LINE")"
    [[ $COMP_LINE == *' ' || $COMP_LINE == *[:=] || $# -eq 0 || -z ${!#} ]] && COMP_WORDS+=('')
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    _cchc
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
# expect "WORDS" "WANTED..." : every wanted word must be offered
expect() {
    local line=$1; shift
    local got words
    read -ra words <<<"$line"
    [[ $line == *' ' ]] && words+=('') # completing a new, empty word
    got=$(complete_line "${words[@]}" 2>"$tmp/err")
    for want in "$@"; do
        if ! grep -qxF -- "$want" <<<"$got"; then
            echo "FAIL: '$line<TAB>' does not offer '$want'; it offers: $(tr '\n' ' ' <<<"$got")"
            failures=$((failures + 1))
        fi
    done
    if [[ -s $tmp/err ]]; then
        echo "FAIL: '$line<TAB>' printed: $(cat "$tmp/err")"
        failures=$((failures + 1))
    fi
}
# expect_none "WORDS" : nothing offered, nothing printed
expect_none() {
    local got words
    read -ra words <<<"$1"
    got=$(complete_line "${words[@]}" '' 2>"$tmp/err")
    if [[ -n $got || -s $tmp/err ]]; then
        echo "FAIL: '$1 <TAB>' should offer nothing and print nothing; offered: $got; printed: $(cat "$tmp/err")"
        failures=$((failures + 1))
    fi
}

# commands, subcommands, options
expect "cchc re" review report
expect "cchc " tasks template submit due outbox help
expect "cchc --json rev" review
expect "cchc --server 127.0.0.1:9 sub" submit
expect "cchc review a" accept
expect "cchc period " open close approve list extend
expect "cchc help rev" review
expect "cchc help review r" return
expect "cchc submit --fi" --file
expect "cchc submit --" --task --period --status --progress --result --draft --rebase
expect "cchc review accept --" --period --yes
expect "cchc --" --server --json --lang
expect "cchc template --format " xlsx csv
expect "cchc export --format h" html
expect "cchc submit --status in" in_progress

# nothing known yet, no server: silence
expect_none "cchc submit --period"
expect_none "cchc period open"
if out=$(cchc --complete periods 2>&1); then
    echo "FAIL: cchc --complete periods without a session or cache exited 0"
    failures=$((failures + 1))
elif [[ -n $out ]]; then
    echo "FAIL: cchc --complete periods printed on failure: $out"
    failures=$((failures + 1))
fi

# a fresh cache beside a session (the default server, 127.0.0.1:7121)
mkdir -p "$XDG_CONFIG_HOME/cchc"
chmod 700 "$XDG_CONFIG_HOME/cchc"
printf 'server=127.0.0.1:7121\n2026-Q1\n2026-6M\n2025-Y\n' >"$XDG_CONFIG_HOME/cchc/complete-periods"
printf 'server=127.0.0.1:7121\n101\n105\n112\n' >"$XDG_CONFIG_HOME/cchc/complete-tasks"
printf 'server=127.0.0.1:7121\nQ-NINHKIEU\nQ-CAIRANG\nSNV\n' >"$XDG_CONFIG_HOME/cchc/complete-units"
expect "cchc submit --period 2026-" 2026-Q1 2026-6M
expect "cchc period open 2026" 2026-Q1 2026-6M
expect "cchc submit --task 10" 101 105
expect "cchc status task 1" 101 105 112
expect "cchc tasks --unit Q-" Q-NINHKIEU Q-CAIRANG
expect "cchc units history S" SNV
expect "cchc --server 127.0.0.1:7121 submit --period 2026-" 2026-Q1 2026-6M
got=$(complete_line cchc submit --period 2026-)
if grep -qx 2025-Y <<<"$got"; then
    echo "FAIL: '--period 2026-' offers 2025-Y"
    failures=$((failures + 1))
fi
# another server's cache is not this one's
expect_none "cchc --server 127.0.0.1:9 submit --period"

if ((failures > 0)); then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "completion: every check passed"
