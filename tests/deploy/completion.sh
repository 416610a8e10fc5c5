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
#   - unit names, which hold spaces and Vietnamese letters: offered to a
#     word opened with a quote as they are, to a bare or backslashed word
#     with each blank escaped, so the shell reads the name back as ONE
#     word; then the same in a real interactive bash on a pseudo-terminal
#     (python3's pty): TAB, Enter, and the arguments cchc would receive are
#     checked, under C.UTF-8 and under LANG=C (skipped with a note without
#     python3);
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
printf 'server=127.0.0.1:7121\nQ-NINHKIEU\nQ-CAIRANG\nSNV\nQuận Ninh Kiều\nQuận Cái Răng\nSở Nội vụ\n' \
    >"$XDG_CONFIG_HOME/cchc/complete-units"
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

# unit names: LINE is the command line up to the cursor, RAW its last word
# as bash's COMP_WORDS holds it (quotes and backslashes as typed)
expect_unit() {
    local line=$1 raw=$2; shift 2
    COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=(cchc tasks --unit "$raw") COMP_CWORD=3
    COMPREPLY=()
    _cchc 2>"$tmp/err"
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
    if [[ $got != "$(printf '%s\n' "$@" | sort)" ]]; then
        echo "FAIL: '$line<TAB>' offers [$(tr '\n' '|' <<<"$got")], not [$(printf '%s|' "$@")]"
        failures=$((failures + 1))
    fi
    if [[ -s $tmp/err ]]; then
        echo "FAIL: '$line<TAB>' printed: $(cat "$tmp/err")"
        failures=$((failures + 1))
    fi
}
expect_unit 'cchc tasks --unit "Quận N' '"Quận N' 'Quận Ninh Kiều'
expect_unit "cchc tasks --unit 'Quận " "'Quận " 'Quận Ninh Kiều' 'Quận Cái Răng'
expect_unit 'cchc tasks --unit Quận\ C' 'Quận\ C' 'Quận\ Cái\ Răng'
expect_unit 'cchc tasks --unit Sở' 'Sở' 'Sở\ Nội\ vụ'
expect_unit 'cchc tasks --unit S' 'S' 'SNV' 'Sở\ Nội\ vụ'
expect_unit 'cchc tasks --unit Q-N' 'Q-N' 'Q-NINHKIEU'
expect_unit 'cchc tasks --unit "Q-' '"Q-' 'Q-NINHKIEU' 'Q-CAIRANG'

# the same in a real bash: what readline puts on the line must reach cchc
# as one argument (a stand-in function cchc prints its arguments; the
# completion script runs the real cchc through `command cchc`)
if command -v python3 >/dev/null; then
    for lang in C.UTF-8 C; do
        for typed in 'cchc tasks --unit "Quận N' 'cchc tasks --unit Quận\ N' \
                     "cchc tasks --unit 'Quận N" 'cchc --json tasks --unit Quận\ Ni'; do
            got=$(LANG=$lang python3 - "$src/completion/cchc.bash" "$typed" <<'PY'
import os, pty, select, sys, time
script, typed = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ['PS1'] = '$ '
    os.environ['TERM'] = 'dumb'
    os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
def read_until(marker, seconds):
    # no sleeping as synchronisation: read until the marker shows, with a deadline
    out, end = b'', time.time() + seconds
    while marker not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out
# the markers are printed with an empty %s in them, so the terminal's echo
# of the typed line never shows them
os.write(fd, ('. "%s"; cchc(){ printf "<%%s>" "$@"; printf "<e%%snd>\\n" ""; }; '
              'printf "rea%%sdy\\n" ""\n' % script).encode())
read_until(b'ready', 20)
os.write(fd, typed.encode() + b'\t\n')
out = read_until(b'<end>', 20)
os.kill(pid, 9)
lines = [l for l in out.decode('utf-8', 'replace').splitlines() if l.endswith('<end>')]
print(lines[-1] if lines else '(nothing)')
PY
)
            want='<tasks><--unit><Quận Ninh Kiều><end>'
            [[ $typed == *--json* ]] && want='<--json><tasks><--unit><Quận Ninh Kiều><end>'
            if [[ $got != "$want" ]]; then
                echo "FAIL: in bash (LANG=$lang), '$typed<TAB><Enter>' gave cchc $got, not $want"
                failures=$((failures + 1))
            fi
        done
    done
else
    echo "note: python3 is not installed: the check in an interactive bash is skipped"
fi

if ((failures > 0)); then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "completion: every check passed"
