#!/bin/sh
# completion.sh - the bash completion (completion/dctwin.bash) completes
# commands, options, models, profiles and files.
#
# It sources the file in bash, sets COMP_WORDS / COMP_CWORD as bash does
# for a TAB, calls the completion function and checks COMPREPLY:
#   dctwin sim<TAB>                 -> simulate
#   dctwin <TAB>                    -> every command of `dctwin --help`
#   dctwin simulate --sc<TAB>       -> --scenario
#   dctwin margins --dur<TAB>       -> --duration (simulate's options)
#   dctwin plot --format <TAB>      -> png svg pdf
#   dctwin models show gb2<TAB>     -> gb200-nvl72 (from `models list`)
#   dctwin simulate S --profile sync<TAB> -> sync-training
#   dctwin capacity S --add gb3<TAB>      -> gb300-nvl72
#   dctwin simulate sites/gb200-r<TAB>    -> the two site files
# Without bash the test is skipped (exit 77).
#
# Environment (set by make check): DCTWIN, top_srcdir.
test_name=completion
. "${top_srcdir:-.}/tests/testlib.sh"

if ! command -v bash >/dev/null 2>&1; then
    echo "completion.sh: bash not found; completion not checked" >&2
    exit 77
fi

comp="$top_srcdir/completion/dctwin.bash"

# complete LINE...: the words of the command line, the last one the word
# being completed ('' for a TAB after a space); prints COMPREPLY, one a
# line, sorted.
complete_words() {
    bash -c '
        . "$1"; shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _dctwin
        printf "%s\n" "${COMPREPLY[@]}"' bash "$comp" "$@" | sort
}

# expect DESCRIPTION WANTED LINE...: COMPREPLY is exactly WANTED (words
# separated by spaces, sorted).
expect() {
    desc=$1 want=$2
    shift 2
    got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" = "$want" ]; then
        ok
    else
        fail "$desc: got '$got', expected '$want'"
    fi
}

# expect_has DESCRIPTION WORD LINE...: COMPREPLY contains WORD.
expect_has() {
    desc=$1 want=$2
    shift 2
    if complete_words "$@" | grep -q -x -F -e "$want"; then
        ok
    else
        fail "$desc: '$want' not among: $(complete_words "$@" | tr '\n' ' ')"
    fi
}

if [ ! -f "$comp" ]; then
    fail "$comp: missing"
    finish
fi
if bash -n "$comp"; then ok; else fail "$comp: bash syntax error"; fi

expect "dctwin sim<TAB>" "simulate" "$DCTWIN" sim
expect "dctwin v<TAB>" "validate" "$DCTWIN" v
# every command of --help, and nothing else
want=$("$DCTWIN" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort |
    tr '\n' ' ' | sed 's/ $//')
expect "dctwin <TAB>" "$want" "$DCTWIN" ''
expect "dctwin --v<TAB>" "--version" "$DCTWIN" --v
expect "dctwin simulate --sc<TAB>" "--scenario" "$DCTWIN" simulate --sc
expect "dctwin simulate S --pl<TAB>" "--plot --plot-format" \
    "$DCTWIN" simulate site.xml --pl
expect_has "dctwin margins --dur<TAB> (simulate's options)" "--duration" \
    "$DCTWIN" margins --dur
expect_has "dctwin margins --for<TAB>" "--format" "$DCTWIN" margins --for
expect "dctwin bess-report --cr<TAB>" "--criteria" "$DCTWIN" bess-report --cr
expect "dctwin plot --format <TAB>" "pdf png svg" "$DCTWIN" plot --format ''
expect "dctwin capacity S --design cooling<TAB>" \
    "cooling-0.4 cooling-1 cooling-2" "$DCTWIN" capacity S --design cooling
expect "dctwin margins --format <TAB>" "csv json text" \
    "$DCTWIN" margins --format ''
expect "dctwin models <TAB>" "list show" "$DCTWIN" models ''
expect "dctwin models show gb2<TAB>" "gb200-nvl72" "$DCTWIN" models show gb2
expect "dctwin capacity S --add gb3<TAB>" "gb300-nvl72" \
    "$DCTWIN" capacity site.xml --add gb3
expect "dctwin capacity S --add xdu<TAB> (rack models only)" "" \
    "$DCTWIN" capacity site.xml --add xdu
expect "dctwin simulate S --profile sync<TAB>" "sync-training" \
    "$DCTWIN" simulate site.xml --profile sync
expect "dctwin profile <TAB>" "export list show" "$DCTWIN" profile ''
expect "dctwin doc <TAB>" "schema site" "$DCTWIN" doc ''
expect "dctwin simulate $top_srcdir/sites/gb200-r<TAB>" \
    "$top_srcdir/sites/gb200-row-hot.xml $top_srcdir/sites/gb200-row.xml" \
    "$DCTWIN" simulate "$top_srcdir/sites/gb200-r"
expect "dctwin simulate S --scenario .../grid<TAB>" \
    "$top_srcdir/sites/scenarios/grid-loss.xml" \
    "$DCTWIN" simulate site.xml --scenario "$top_srcdir/sites/scenarios/grid"

finish
