#!/bin/sh
# quickstart.sh - `./quickstart demo` ends by naming the run directory,
# every file in it with what it holds, and three commands to try next
# that work.
#
# The demo runs with the dctwin under test (QUICKSTART_DCTWIN: no package
# is installed and nothing is built; stand-ins for apt-get, dpkg-query,
# autoreconf, configure and make on PATH record any call) and its run in
# the test's directory (QUICKSTART_OUT).  Environment (set by make
# check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=quickstart
. "${top_srcdir:-.}/tests/testlib.sh"

qs="$top_srcdir/quickstart"
case $DCTWIN in /*) dctwin=$DCTWIN ;; *) dctwin=$(pwd)/$DCTWIN ;; esac
mkdir "$tmp/bin"
for p in apt-get dpkg-query autoreconf make; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\nexit 1\n' "$p" "$tmp" \
        >"$tmp/bin/$p"
    chmod +x "$tmp/bin/$p"
done

set +e
PATH="$tmp/bin:$PATH" QUICKSTART_DCTWIN="$dctwin" QUICKSTART_OUT="$tmp/demo" \
    sh "$qs" demo >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "demo exits 0 or 1 (exit $rc: $(tail -n 3 "$tmp/err"))" \
    test "$rc" -le 1
check "no package installed, nothing built ($(cat "$tmp/calls" 2>/dev/null))" \
    test ! -e "$tmp/calls"
check "the margin table first" grep -q '^all .* margins met\|violated' "$tmp/out"

# The ending: from the line naming the run directory to the end.
sed -n "/^quickstart: the run is in /,\$p" "$tmp/out" >"$tmp/end"
check "names the run directory" \
    test "$(head -n 1 "$tmp/end")" = "quickstart: the run is in $tmp/demo:"
# the files: one line each, "  NAME   what it holds", up to "next, try"
sed -n '2,/^quickstart: next, try$/p' "$tmp/end" | sed '$d' >"$tmp/files"
ls "$tmp/demo" >"$tmp/ls"
check "lists every file of the run, in order ($(wc -l <"$tmp/ls") files)" \
    sh -c "awk '{ print \$1 }' '$tmp/files' | cmp -s - '$tmp/ls'"
check "says what each file holds" \
    sh -c "! awk 'NF < 2' '$tmp/files' | grep -q ."
check "some files (timeseries.csv, margins.txt)" \
    sh -c "grep -q '^  timeseries.csv ' '$tmp/files' && grep -q '^  margins.txt ' '$tmp/files'"
# the commands: three, each "  ./dctwin CMD ...", a long one continued
# with a backslash; the last line points to the manual
sed -n '/^quickstart: next, try$/,$p' "$tmp/end" | sed '1d;$d' >"$tmp/next"
check "the manual last" \
    test "$(tail -n 1 "$tmp/end")" = "(man -l man/dctwin.1 for the rest)"
awk '/\\$/ { printf "%s", substr($0, 1, length - 1); next } { print }' \
    "$tmp/next" | sed 's/  *#.*//' >"$tmp/cmds"
check "three next commands ($(wc -l <"$tmp/cmds"))" \
    test "$(wc -l <"$tmp/cmds")" = 3
check "each one ./dctwin's" \
    test "$(grep -c '^  \./dctwin [a-z]' "$tmp/cmds")" = 3
# each names a command of dctwin(1) and files that exist (relative to
# the source tree, where quickstart runs)
"$DCTWIN" --help >"$tmp/help" 2>&1 || true
while read -r prog cmd rest; do
    check "$cmd: a dctwin command" grep -q "^  $cmd " "$tmp/help"
    for w in $rest; do
        case $w in
        sites/*) check "$cmd: $w exists" test -f "$top_srcdir/$w" ;;
        /*) check "$cmd: $w exists" test -e "$w" ;;
        esac
    done
done <"$tmp/cmds"
# the first is the plot of this run: it works (without gnuplot: a warning)
run plot "$tmp/demo"
check "the first command, plot, works (exit $rc)" test "$rc" = 0
check "the first command plots the demo's run" \
    grep -q "^  \./dctwin plot $tmp/demo\$" "$tmp/cmds"

# --help and a wrong argument
set +e
sh "$qs" --help >"$tmp/out" 2>&1
rc=$?
set -e
check "--help exits 0 ($rc)" test "$rc" = 0
check "--help documents QUICKSTART_DCTWIN and QUICKSTART_OUT" \
    sh -c "grep -q QUICKSTART_DCTWIN '$tmp/out' && grep -q QUICKSTART_OUT '$tmp/out'"
set +e
sh "$qs" nosuch >"$tmp/out" 2>&1
rc=$?
set -e
check "an unknown argument: exit 2 ($rc)" test "$rc" = 2

finish
