# dctwin.bash - bash completion for dctwin(1).
#
# Installed into bash-completion's completions directory (configure
# --with-bash-completion-dir); or load it by hand:
#   . completion/dctwin.bash
# Completes the commands, each command's options (read from
# `dctwin COMMAND --help`, so they follow the program), the values of
# --format, --design, --profile (profile ids of `dctwin profile list`),
# --add and
# --model (models of `dctwin models list`), model names after
# `models show`, site and scenario files (*.xml), run directories and
# the --out directory.  The dctwin that runs is the one being completed
# (the first word of the line).
#
# dctwin is free software under the GPL-3.0-or-later (see LICENSE).

# The long options of COMMAND: the "--name" words of its --help.
_dctwin_options()
{
    local prog=$1 cmd=$2
    "$prog" "$cmd" --help 2>&1 |
        grep -o -E -- '(^|[][ ,|])--[a-z][a-z0-9-]*' |
        sed 's/^[][ ,|]*//' | sort -u
}

# The profile ids of `dctwin profile list` (first column, no header).
_dctwin_profiles()
{
    "$1" profile list 2>/dev/null | sed -n 's/^\([^ ][^ ]*\) .*/\1/p'
}

# The model names of `dctwin models list` (after its header line), of
# kind $2 (e.g. rack-model) when given.
_dctwin_models()
{
    "$1" models list 2>/dev/null |
        awk -v k="${2-}" 'NR > 1 && (k == "" || $2 == k) { print $1 }'
}

_dctwin()
{
    local cur prev prog cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    prog=${COMP_WORDS[0]}
    # "~/bin/dctwin" as typed: expand a leading tilde only
    case $prog in "~/"*) prog=$HOME/${prog#"~/"} ;; esac

    # the command: the first word after the program that is not an option
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    local commands="validate simulate margins capacity contingency sweep
        compare outputs bess-report plot profile models doc"
    if [ -z "$cmd" ]; then
        case $cur in
        -*) mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur") ;;
        *) mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur") ;;
        esac
        return 0
    fi

    # values of the options that take one
    case $prev in
    --format)
        case $cmd in
        plot | bess-report) mapfile -t COMPREPLY < <(compgen -W "png svg pdf" -- "$cur") ;;
        outputs) mapfile -t COMPREPLY < <(compgen -W "text csv" -- "$cur") ;;
        *) mapfile -t COMPREPLY < <(compgen -W "text json csv" -- "$cur") ;;
        esac
        return 0
        ;;
    --plot-format)
        mapfile -t COMPREPLY < <(compgen -W "png svg pdf" -- "$cur")
        return 0
        ;;
    --electrical)
        mapfile -t COMPREPLY < <(compgen -W "dynamic quasi-static" -- "$cur")
        return 0
        ;;
    --profile)
        mapfile -t COMPREPLY < <(compgen -W "$(_dctwin_profiles "$prog")" -- "$cur")
        return 0
        ;;
    --add | --model)
        mapfile -t COMPREPLY < <(compgen -W \
            "$(_dctwin_models "$prog" rack-model)" -- "$cur")
        return 0
        ;;
    --scenario | --criteria | --site)
        mapfile -t COMPREPLY < <(compgen -f -X '!*.xml' -- "$cur"; compgen -d -- "$cur")
        return 0
        ;;
    --out | --init)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return 0
        ;;
    --grid-trace | --weather)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    --design)
        mapfile -t COMPREPLY < <(compgen -W "cooling-0.4 cooling-1 \
            cooling-2 extreme-5y extreme-10y extreme-20y extreme-50y" \
            -- "$cur")
        return 0
        ;;
    --set | --bess | --row | --rack | --duration | --step | --seed | \
        --max | --probe | --rtol | --atol | --output-step | --grid-step | \
        --add-count | --add-scale | --start)
        return 0 # a value to type
        ;;
    esac

    if [[ $cur == -* ]]; then
        local opts
        opts=$(_dctwin_options "$prog" "$cmd")
        # margins and capacity take simulate's options too
        case $cmd in
        margins | capacity) opts="$opts $(_dctwin_options "$prog" simulate)" ;;
        esac
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return 0
    fi

    case $cmd in
    models)
        case $prev in
        models) mapfile -t COMPREPLY < <(compgen -W "list show" -- "$cur") ;;
        show) mapfile -t COMPREPLY < <(compgen -W \
            "$(_dctwin_models "$prog")" -- "$cur") ;;
        esac
        ;;
    profile)
        case $prev in
        profile) mapfile -t COMPREPLY < <(compgen -W "list show export" -- "$cur") ;;
        show | export) mapfile -t COMPREPLY < <(compgen -W \
            "$(_dctwin_profiles "$prog")" -- "$cur") ;;
        esac
        ;;
    doc)
        [ "$prev" = doc ] &&
            mapfile -t COMPREPLY < <(compgen -W "schema site" -- "$cur")
        ;;
    plot)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        ;;
    margins)
        # a site file or a run directory
        mapfile -t COMPREPLY < <(compgen -f -X '!*.xml' -- "$cur"; compgen -d -- "$cur")
        ;;
    *)
        mapfile -t COMPREPLY < <(compgen -f -X '!*.xml' -- "$cur"; compgen -d -- "$cur")
        ;;
    esac
    return 0
}

complete -o filenames -F _dctwin dctwin
