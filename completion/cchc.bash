# bash completion for cchc — installed as
# share/bash-completion/completions/cchc (bash-completion loads it the
# first time `cchc` is completed), or sourced by hand:
#   . completion/cchc.bash
# Why it asks cchc itself: the commands and subcommands come from
# `cchc --list-commands`, each command's options from its own --help, and
# period ids, task ids, unit codes and unit names from
# `cchc --complete KIND PREFIX`
# (the server's answer, cached beside the session for 10 minutes and used
# however old when the server cannot be reached), so this file never goes
# stale when a command or option is added. It needs nothing of
# bash-completion's helpers. Errors of cchc are never shown: completion
# offers nothing instead.

# The global options that take a value (client/main.c).
_cchc_global_with_value='--server|--timeout|--ca|--pin|--lang'

_cchc_words() { # $1: what to ask cchc for; prints one word a line
    local server=$_cchc_server
    case $1 in
        commands) command cchc --list-commands 2>/dev/null | cut -d' ' -f1 | uniq ;;
        subcommands) command cchc --list-commands 2>/dev/null | awk -v c="$2" '$1 == c && NF == 2 { print $2 }' ;;
        options) # the long options a command's usage names (the same in every language)
            shift
            command cchc --lang en "$@" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u ;;
        periods|tasks|units)
            command cchc ${server:+--server "$server"} --complete "$1" "$2" 2>/dev/null </dev/null ;;
    esac
}

# _cchc_split LINE: LINE's words as the shell will pass them to cchc
# (quotes and backslashes taken away) in _cchc_typed, the last one (being
# completed, maybe empty) as typed in _cchc_raw, and the quote it opened
# and has not closed (" or ', else empty) in _cchc_quote. A unit name is
# one word with its spaces: --unit "Quận Ninh Kiều" or --unit Quận\ Ninh.
_cchc_split() {
    local line=$1 i c next word='' raw='' quote='' in_word=0
    _cchc_typed=()
    for ((i = 0; i < ${#line}; i++)); do
        c=${line:i:1}
        if [[ $quote == "'" ]]; then
            raw+=$c
            if [[ $c == "'" ]]; then quote=''; else word+=$c; fi
        elif [[ $quote == '"' ]]; then
            raw+=$c
            next=${line:i+1:1}
            if [[ $c == '"' ]]; then
                quote=''
            elif [[ $c == '\' && -n $next && $next == [\$\`\"\\] ]]; then
                raw+=$next word+=$next
                i=$((i + 1))
            else
                word+=$c
            fi
        elif [[ $c == ' ' || $c == $'\t' ]]; then
            ((in_word)) && _cchc_typed+=("$word")
            word='' raw='' in_word=0
        else
            in_word=1 raw+=$c
            case $c in
                '"' | "'") quote=$c ;;
                '\') next=${line:i+1:1} raw+=$next word+=$next i=$((i + 1)) ;;
                *) word+=$c ;;
            esac
        fi
    done
    _cchc_typed+=("$word")
    _cchc_raw=$raw _cchc_quote=$quote
}

# _cchc_reply WORDS: COMPREPLY is the lines of WORDS (one word a line, which
# may hold spaces) that start with $cur, written so the shell reads each
# back as one word: as they are inside the quote the person opened, else
# with a backslash before each blank and shell character (readline puts
# them on the command line as given).
_cchc_reply() {
    local w c special=$' \t"\'()[]{}<>&;|$`!*?#~'
    COMPREPLY=()
    while IFS= read -r w; do
        [[ -n $w && $w == "$cur"* ]] || continue
        if [[ -z $_cchc_quote ]]; then
            w=${w//\\/\\\\}
            for ((c = 0; c < ${#special}; c++)); do
                w=${w//"${special:c:1}"/\\${special:c:1}}
            done
        fi
        COMPREPLY+=("$w")
    done <<<"$1"
}

_cchc() {
    # The words as typed, split at blanks outside quotes only: bash's
    # COMP_WORDS also splits at ':' and '=' (COMP_WORDBREAKS), which would
    # cut "--server HOST:PORT" in three.
    local line=${COMP_LINE:0:COMP_POINT} words_typed _cchc_typed _cchc_raw _cchc_quote
    _cchc_split "$line"
    words_typed=("${_cchc_typed[@]}")
    local cword=$((${#words_typed[@]} - 1))
    local cur=${words_typed[cword]} prev=${words_typed[cword-1]}
    local i word cmd='' sub='' cmd_at=0 _cchc_server=''
    COMPREPLY=()
    # a word holding ':' or '=' (HOST:PORT, --lang=en): nothing to offer
    [[ $_cchc_raw == "${COMP_WORDS[COMP_CWORD]}" ]] || return 0
    # the command is the first word that is neither a global option nor its value
    for ((i = 1; i < cword; i++)); do
        word=${words_typed[i]}
        if [[ -z $cmd ]]; then
            if [[ $word == --server ]]; then _cchc_server=${words_typed[i+1]}; fi
            if [[ $word =~ ^($_cchc_global_with_value)$ ]]; then ((i++)); continue; fi
            [[ $word == -* ]] && continue
            cmd=$word
            cmd_at=$i
        elif [[ -z $sub && $word != -* ]]; then
            sub=$word
            break
        fi
    done

    # the value of an option
    local words=''
    case $prev in
        --period) words=$(_cchc_words periods "$cur") ;;
        --task) words=$(_cchc_words tasks "$cur") ;;
        --unit|--lead|--district) # codes and names; a name holds spaces
            _cchc_reply "$(_cchc_words units "$cur")"
            return 0 ;;
        --status) words='not_started in_progress completed behind' ;;
        --state) words='draft submitted returned accepted' ;;
        --role|--set) words='reporter reviewer admin viewer' ;;
        --by) words='area district lead criterion index task unit' ;;
        --lang) words='vi en' ;;
        --index) words='PAR-INDEX SIPAS PAPI' ;;
        --format)
            case $cmd in
                template) words='xlsx csv' ;;
                export) words='csv html xlsx' ;;
                *) words='csv html' ;;
            esac ;;
        -o|--file|--ca)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0 ;;
        --server|--timeout|--pin|--reason|--result|--difficulties|--proposals|--indicator|\
--year|--since|--until|--limit|--on|--name|--code|--into|--number|--issued|--received|\
--full-name|--count|--from|--as-of|--valid-from|--unit-deadline|--lead-deadline|\
--base-revision|--value|--rank|--out-of|--criterion|--user|--action|--basis|--assignment|\
--implementers|--accept|--revision)
            return 0 ;; # free text: nothing to offer
    esac
    if [[ -n $words ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return 0
    fi

    if [[ $cur == -* ]]; then
        if [[ -z $cmd ]]; then
            words='--server --json --timeout --tls --ca --pin --insecure-plaintext --lang --help --version'
        else
            words=$(_cchc_words options "$cmd" ${sub:+"$sub"})
        fi
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return 0
    fi

    if [[ -z $cmd ]]; then
        words=$(_cchc_words commands)
    elif [[ $cmd == help ]]; then
        if ((cword == cmd_at + 1)); then
            words=$(_cchc_words commands)
        elif ((cword == cmd_at + 2)); then
            words=$(_cchc_words subcommands "${words_typed[cmd_at+1]}")
        fi
    elif [[ -z $sub ]] && ((cword == cmd_at + 1)) &&
        words=$(_cchc_words subcommands "$cmd") && [[ -n $words ]]; then
        : # a subcommand
    else
        # a command's own arguments: periods, tasks or units by position
        case "$cmd $sub" in
            'period open'|'period close'|'period approve'|'period reopen'|'period extend')
                words=$(_cchc_words periods "$cur") ;;
            'status task'|'plan task'|'plan assign') words=$(_cchc_words tasks "$cur") ;;
            'units history'|'units close'|'units rename'|'units merge'|'units split')
                _cchc_reply "$(_cchc_words units "$cur")"
                return 0 ;;
            'units import'|'units apply')
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                return 0 ;;
        esac
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}

complete -F _cchc cchc
