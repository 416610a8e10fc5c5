# bash completion for cchc — installed as
# share/bash-completion/completions/cchc (bash-completion loads it the
# first time `cchc` is completed), or sourced by hand:
#   . completion/cchc.bash
# Why it asks cchc itself: the commands and subcommands come from
# `cchc --list-commands`, each command's options from its own --help, and
# period ids, task ids and unit codes from `cchc --complete KIND PREFIX`
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

_cchc() {
    # The words as typed, split at blanks only: bash's COMP_WORDS also
    # splits at ':' and '=' (COMP_WORDBREAKS), which would cut
    # "--server HOST:PORT" in three.
    local line=${COMP_LINE:0:COMP_POINT} words_typed
    read -ra words_typed <<<"$line"
    [[ -z $line || $line =~ [[:space:]]$ ]] && words_typed+=('')
    local cword=$((${#words_typed[@]} - 1))
    local cur=${words_typed[cword]} prev=${words_typed[cword-1]}
    local i word cmd='' sub='' cmd_at=0 _cchc_server=''
    COMPREPLY=()
    # a word holding ':' or '=' (HOST:PORT, --lang=en): nothing to offer
    [[ $cur == "${COMP_WORDS[COMP_CWORD]}" ]] || return 0
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
        --unit|--lead|--district) words=$(_cchc_words units "$cur") ;;
        --status) words='not_started in_progress completed behind' ;;
        --state) words='draft submitted returned accepted' ;;
        --role|--set) words='reporter reviewer admin viewer' ;;
        --by) words='area district lead criterion index task unit' ;;
        --lang) words='vi en' ;;
        --index) words='PAR-INDEX SIPAS PAPI' ;;
        --format)
            case $cmd in
                template) words='xlsx csv' ;;
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
                words=$(_cchc_words units "$cur") ;;
            'units import'|'units apply')
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                return 0 ;;
        esac
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}

complete -F _cchc cchc
