#!/bin/sh
# man.sh - the manual pages are clean roff and in step with the program.
#
#  1. Lint: `groff -man -ww -z` (and again for a terminal, -Tutf8) prints
#     nothing for man/dctwin.1, man/dctwin-bess-report.1,
#     man/dctwin-site.5, man/dctwin-models.7 and man/dctwin-sources.7.
#     Any warning fails.  Without groff the test is skipped (exit 77).
#  2. The section ELEMENTS of dctwin-site.5, between the lines
#       .\" BEGIN GENERATED ELEMENTS
#       .\" END GENERATED ELEMENTS
#     is exactly the output of `dctwin doc site` (generated from the
#     component table, src/component.h).
#  3. Every element the schema defines (`dctwin doc schema`, each
#     <element name="...">) has an entry .SS "<name>" in dctwin-site.5.
#  4. Every command of `dctwin --help` and every long option of
#     `dctwin simulate --help` appears in dctwin.1, every command has a
#     line in its SYNOPSIS, and no .TP tag of COMMANDS runs on to a
#     second input line (it would render split into the body text).
#
# Environment (set by make check): DCTWIN, top_srcdir.
#
# After changing src/component.h, regenerate the section from the top of
# the source tree with:
#   { sed '/^\.\\" BEGIN GENERATED ELEMENTS$/q' man/dctwin-site.5; ./dctwin doc site; sed -n '/^\.\\" END GENERATED ELEMENTS$/,$p' man/dctwin-site.5; } > man/dctwin-site.5.tmp && mv man/dctwin-site.5.tmp man/dctwin-site.5
set -eu
LC_ALL=C
export LC_ALL
: "${DCTWIN:?DCTWIN must name the dctwin binary}"
: "${top_srcdir:=.}"

man1="$top_srcdir/man/dctwin.1"
man5="$top_srcdir/man/dctwin-site.5"
man7="$top_srcdir/man/dctwin-models.7"
man1b="$top_srcdir/man/dctwin-bess-report.1"
man7s="$top_srcdir/man/dctwin-sources.7"
begin='.\" BEGIN GENERATED ELEMENTS'
end='.\" END GENERATED ELEMENTS'

if ! command -v groff >/dev/null 2>&1; then
    echo "man.sh: groff not found; man pages not checked" >&2
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass=0
fails=0
ok() { pass=$((pass + 1)); }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# ---- 1. lint -------------------------------------------------------------
for f in "$man1" "$man5" "$man7" "$man1b" "$man7s"; do
    if [ ! -f "$f" ]; then
        fail "$f: missing"
        continue
    fi
    for dev in "" "-Tutf8"; do
        # $dev is empty or one word: unquoted on purpose
        # shellcheck disable=SC2086
        groff -man -ww -z $dev "$f" >"$tmp/lint" 2>&1 || :
        if [ -s "$tmp/lint" ]; then
            fail "$f: groff -man -ww -z $dev warns:"
            cat "$tmp/lint" >&2
        else
            ok
        fi
    done
done

# ---- 2. the generated section is current ----------------------------------
n_begin=$(grep -c -x -F "$begin" "$man5" || :)
n_end=$(grep -c -x -F "$end" "$man5" || :)
if [ "$n_begin" != 1 ] || [ "$n_end" != 1 ]; then
    fail "$man5: expected one line '$begin' and one line '$end'" \
        "(found $n_begin and $n_end)"
else
    # the lines strictly between the markers
    # (the markers go through the environment: awk -v would take the
    # backslash of .\" as an escape)
    BEGIN_MARK=$begin END_MARK=$end awk '
        $0 == ENVIRON["END_MARK"] { inside = 0 }
        inside { print }
        $0 == ENVIRON["BEGIN_MARK"] { inside = 1 }' "$man5" >"$tmp/page"
    if ! "$DCTWIN" doc site >"$tmp/gen" || [ ! -s "$tmp/gen" ]; then
        fail "'dctwin doc site' failed or printed nothing"
    elif cmp -s "$tmp/page" "$tmp/gen"; then
        ok
    else
        fail "the ELEMENTS section of man/dctwin-site.5 is stale" \
            "(src/component.h changed?); regenerate it with the one-liner" \
            "at the top of tests/man.sh.  Differences (< page, > program):"
        diff "$tmp/page" "$tmp/gen" | head -20 >&2 || :
    fi
fi

# ---- 3. every schema element has an entry ---------------------------------
# A name as roff source may write it: every '-' as '\-'.
roffname() { printf '%s\n' "$1" | sed 's/-/\\-/g'; }

"$DCTWIN" doc schema |
    sed -n 's/.*<element name="\([^"]*\)".*/\1/p' | sort -u >"$tmp/elements"
if [ ! -s "$tmp/elements" ]; then
    fail "'dctwin doc schema' defines no element"
fi
while read -r el; do
    if grep -q -x -F -e ".SS \"<$el>\"" \
        -e ".SS \"<$(roffname "$el")>\"" "$man5"; then
        ok
    else
        fail "$man5: no entry .SS \"<$el>\" for the element <$el> of the schema"
    fi
done <"$tmp/elements"

# ---- 4. commands and options of the program are in dctwin(1) -------------
# (one space after the name: "bess-report" fills its column)
"$DCTWIN" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >"$tmp/commands"
if [ ! -s "$tmp/commands" ]; then
    fail "'dctwin --help' lists no command"
fi
awk '/^\.SH /{ f = ($0 == ".SH COMMANDS") } f' "$man1" >"$tmp/commands.roff"
while read -r c; do
    if grep -q -w -F -e "$(roffname "$c")" "$tmp/commands.roff"; then
        ok
    else
        fail "$man1: command '$c' of 'dctwin --help' is not in COMMANDS"
    fi
done <"$tmp/commands"

# ... and each has a line ".B dctwin COMMAND" in the SYNOPSIS
awk '/^\.SH /{ f = ($0 == ".SH SYNOPSIS") } f' "$man1" >"$tmp/synopsis.roff"
while read -r c; do
    if grep -q -E -e "^\.B dctwin $(roffname "$c" | sed 's/\\/\\\\/g')( |\$)" \
        "$tmp/synopsis.roff"; then
        ok
    else
        fail "$man1: command '$c' of 'dctwin --help' is not in the SYNOPSIS"
    fi
done <"$tmp/commands"

# ---- 4b. a .TP tag of COMMANDS is one input line, so that it renders
# whole: a tag continued on the next line (".TP", ".BR ...", ".IR ...")
# would run into the body text ("profile list [--site" / "site] List").
awk '/^\.SH /{ f = ($0 == ".SH COMMANDS") }
     f && tp == 2 && /^\.(B|I|R)(R|I|B)? +[^A-Z]/ &&
         !/^\.(B|I) /{ print FILENAME ":" NR ": " $0 }
     { tp = (tp == 1) ? 2 : ($0 == ".TP") ? 1 : 0 }' "$man1" >"$tmp/tags"
if [ -s "$tmp/tags" ]; then
    fail "$man1: .TP tags continued on a second line (put the tag on one line):"
    cat "$tmp/tags" >&2
else
    ok
fi

"$DCTWIN" simulate --help |
    sed -n 's/^  \(-[a-z], \)*--\([a-z][a-z-]*\).*/\2/p' >"$tmp/options"
if [ ! -s "$tmp/options" ]; then
    fail "'dctwin simulate --help' lists no option"
fi
while read -r o; do
    if grep -q -F -e '\-\-'"$(roffname "$o")" "$man1"; then
        ok
    else
        fail "$man1: option --$o of 'dctwin simulate --help' is not documented"
    fi
done <"$tmp/options"

# ---- 5. bess-report: its options and every check of the criteria --------
"$DCTWIN" bess-report --help |
    sed -n 's/^  \(-[a-z], \)*--\([a-z][a-z-]*\).*/\2/p' >"$tmp/boptions"
if [ ! -s "$tmp/boptions" ]; then
    fail "'dctwin bess-report --help' lists no option"
fi
while read -r o; do
    if grep -q -F -e '\-\-'"$(roffname "$o")" "$man1b"; then
        ok
    else
        fail "$man1b: option --$o of 'dctwin bess-report --help' is not documented"
    fi
done <"$tmp/boptions"
sed -n 's/.*<check id="\([^"]*\)".*/\1/p' \
    "$top_srcdir/models/criteria/default.xml" >"$tmp/checks"
if [ ! -s "$tmp/checks" ]; then
    fail "models/criteria/default.xml lists no check"
fi
while read -r c; do
    if grep -q -F -e "$(roffname "$c")" "$man1b"; then
        ok
    else
        fail "$man1b: check $c of the default criteria is not described"
    fi
done <"$tmp/checks"

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
