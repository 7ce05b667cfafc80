# testlib.sh - what the CLI tests share (sourced, after setting test_name):
# a strict shell in the C locale, the binary from make check, a private
# temporary directory $tmp removed on exit, and the counters with their
# helpers:
#   check DESCRIPTION COMMAND...   counts COMMAND's success, or reports
#                                  "FAIL: DESCRIPTION" on stderr
#   run ARG...                     dctwin ARG... with stdout in $tmp/out,
#                                  stderr in $tmp/err, the status in $rc
#   finish                         prints the counts; fails when one failed
# Environment (set by make check): DCTWIN, top_srcdir.
set -eu
LC_ALL=C
export LC_ALL
: "${DCTWIN:?DCTWIN must name the dctwin binary}"
: "${top_srcdir:=.}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/${test_name:-cli}.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass=0
fails=0
ok() { pass=$((pass + 1)); }
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
check() {
    d=$1
    shift
    if "$@"; then ok; else fail "$d"; fi
}
run() {
    set +e
    "$DCTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
}
# The first value of KEY in the JSON file F (a number or a literal).
json() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1" | head -n 1; }
# True when a margin of the run in DIR whose id matches the grep
# pattern RE is negative in margins.json.
margin_neg() { tr '{' '\n' <"$1/margins.json" | grep "\"id\":\"$2\"" | grep -q '"margin":-'; }
# The time to throttle of the run in DIR, given that ID failed first, at
# T s ("" when the header says otherwise).
throttle_after() {
    sed -n "s/^time to throttle: \([0-9.]*\) s (.*after $2 failed at $3 s)\$/\1/p" "$1/margins.txt"
}
# check that the run in DIR closes its energy balance within 1e-4
closes() { # closes DIR LABEL
    cl=$(json "$1/run.json" energy_closure_rel)
    check "$2: energy closes ($cl)" \
        awk -v x="$cl" 'BEGIN { if (x < 0) x = -x; exit !(x != "" && x < 1e-4) }'
}
finish() {
    echo "$pass passed, $fails failed"
    [ "$fails" -eq 0 ]
}
