#!/bin/sh
# cli_validate.sh - `dctwin validate` on bad input, and the small commands.
#
#  1. Every tests/data/bad/NAME.xml must be refused with exit status 3, and
#     every line of NAME.err must appear on stderr.  The runner works from
#     inside tests/data/bad, so file names in the .err files are bare
#     ("dctwin: NAME.xml:12: error: ...", "./inc/x.xml" for included
#     helpers).  A line must equal a whole line of stderr, except that a
#     line ending in " ..." matches any line that starts with the text
#     before it (used for messages worded by libxml2, which vary between
#     its versions).  Nothing may crash, and stdout must stay empty.
#  2. Every sites/*.xml validates (exit 0) and prints its summary.
#  3. Usage and input errors, --help, --version, `models list|show`.
#  4. Big inputs made here, in a temporary directory: a 50 MB file and a
#     site of a million racks must be refused quickly with a clear message;
#     a site at the rack cap must still validate.
#  5. With DCTWIN_VALGRIND=1 and valgrind installed, a few bad files run
#     under valgrind must show no memory error and no leak.
#
# Environment (set by make check): DCTWIN, top_srcdir; DCTWIN_VALGRIND.
set -eu
LC_ALL=C
export LC_ALL

: "${DCTWIN:?DCTWIN must name the dctwin binary}"
: "${top_srcdir:=.}"
# The runner changes directory: make both absolute.
case $DCTWIN in
/*) ;;
*/*) DCTWIN=$(pwd)/$DCTWIN ;;
*) DCTWIN=$(command -v "$DCTWIN") ;;
esac
top_srcdir=$(cd "$top_srcdir" && pwd)
: "${DCTWIN_MODELS_PATH:=$top_srcdir/models}"
export DCTWIN_MODELS_PATH

bad_dir="$top_srcdir/tests/data/bad"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cli_validate.XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
    echo "FAIL: $*" >&2
    failed=$((failed + 1))
}

# run ARGS...: run dctwin; $rc, stdout in $tmp/out, stderr in $tmp/err.
run() {
    set +e
    "$DCTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
}

# check WHAT CMD...: ok when CMD succeeds.
check() {
    d=$1
    shift
    if "$@"; then ok; else fail "$d"; fi
}

show_err() {
    sed 's/^/    stderr: /' "$tmp/err" | head -n 20 >&2
}

# no_crash WHAT: stderr shows no crash or sanitizer report.
no_crash() {
    if grep -q -e 'Segmentation' -e 'AddressSanitizer' \
        -e 'LeakSanitizer' -e 'runtime error:' -e 'Aborted' "$tmp/err"; then
        fail "$1: crashed or a sanitizer fired"
        show_err
        return 1
    fi
    if [ "$rc" -gt 5 ]; then
        fail "$1: exit status $rc (killed by a signal?)"
        show_err
        return 1
    fi
    return 0
}

# has_line FILE LINE: LINE is a whole line of FILE, or, when LINE ends in
# " ...", the start of one.
has_line() {
    case $2 in
    *' ...')
        DCT_PREFIX=${2%...} awk 'index($0, ENVIRON["DCT_PREFIX"]) == 1 {
            f = 1 } END { exit !f }' "$1"
        ;;
    *) grep -Fqx -e "$2" "$1" ;;
    esac
}

# ------------------------------------------------------ 1. the bad corpus
if [ ! -d "$bad_dir" ]; then
    echo "FAIL: $bad_dir is missing" >&2
    exit 1
fi
n_bad=0
for xml in "$bad_dir"/*.xml; do
    name=$(basename "$xml" .xml)
    n_bad=$((n_bad + 1))
    if [ ! -s "$bad_dir/$name.err" ]; then
        fail "$name.xml has no (or an empty) $name.err"
        continue
    fi
    set +e
    (cd "$bad_dir" && "$DCTWIN" validate "$name.xml") >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    no_crash "$name.xml" || continue
    good=1
    if [ "$rc" -ne 3 ]; then
        fail "$name.xml: exit status $rc, expected 3"
        good=0
    fi
    if [ -s "$tmp/out" ]; then
        fail "$name.xml: printed on stdout: $(head -n 1 "$tmp/out")"
        good=0
    fi
    while IFS= read -r want || [ -n "$want" ]; do
        [ -n "$want" ] || continue
        if ! has_line "$tmp/err" "$want"; then
            fail "$name.xml: missing on stderr: $want"
            good=0
        fi
    done <"$bad_dir/$name.err"
    if [ "$good" -eq 1 ]; then
        ok
    else
        show_err
    fi
done
if [ "$n_bad" -lt 30 ]; then
    fail "only $n_bad files in tests/data/bad, expected at least 30"
fi

# ---------------------------------------------------- 2. the shipped sites
for site in "$top_srcdir"/sites/*.xml; do
    run validate "$site"
    no_crash "$site" || continue
    if [ "$rc" -ne 0 ]; then
        fail "$site: exit status $rc, expected 0"
        show_err
    elif ! grep -q "^$site: site [^ ]*: valid\$" "$tmp/out" ||
        ! grep -q '^  racks  ' "$tmp/out"; then
        fail "$site: no summary on stdout"
    elif [ "${site##*/}" = gb300-row.xml ]; then
        # shows the design-point warning on purpose (its comment)
        if grep -q 'warning: row A: 8 racks would throttle at full load' "$tmp/err" &&
            [ "$(grep -c . "$tmp/err")" -eq 1 ]; then
            ok
        else
            fail "$site: expected the one design-point warning, got: $(head -n 1 "$tmp/err")"
        fi
    elif [ -s "$tmp/err" ]; then
        fail "$site: valid, but printed on stderr: $(head -n 1 "$tmp/err")"
    else
        ok
    fi
done

# ------------------------------------------- the rack design point
# (dctwin-models(7), Design point): a GB300 row at 35 degC supply and the
# racks' design flow: the hot GPU's steady junction, unthrottled, is
# 35 + 0.5 x 0.87 x 140e3 / (168/60e3 x 1012.5 x 3957)
#    + 1400 (0.01617 + 0.00839 / 1.35 + 0.010) = 85.77 degC > t-soft 85
gb3="$top_srcdir/sites/gb300-row.xml"
run validate -q "$gb3"
check "GB300 row at 35 degC: validate exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "... and warns with the predicted hot GPU 85.77 degC" \
    grep -q "warning: row A: 8 racks would throttle at full load: at cdu-1's supply setpoint 35.00 degC and 168.0 L/min a rack, the hot GPU of A01 (gb300-nvl72) reaches 85.77 degC, above its t-soft 85.00 degC" "$tmp/err"
run validate -q "$gb3" --set cdu-1.supply-setpoint=34degC
check "at 34 degC supply (84.77 degC) no warning" sh -c "[ $rc -eq 0 ] && [ ! -s '$tmp/err' ]"
# the CDU short of the racks' flow: 21.7 kg/s for 22.7 kg/s, 160.7 L/min a
# rack; and the closed form against the simulated steady state (t-soft
# raised so that nothing throttles)
run validate -q "$gb3" --set cdu-1.flow-secondary=21.7kg/s
t_pred=$(sed -n 's/.* reaches \([0-9.]*\) degC.*/\1/p' "$tmp/err")
check "with the CDU short of flow: 160.7 L/min, hot GPU $t_pred degC" \
    grep -q "and 160.7 L/min a rack, the hot GPU of A01 (gb300-nvl72) reaches 86.41 degC" "$tmp/err"
run simulate "$gb3" --set cdu-1.flow-secondary=21.7kg/s \
    --set gb300-nvl72.t-soft=95degC --set gb300-nvl72.t-slow=96degC \
    --set gb300-nvl72.t-trip=97degC --set gb300-nvl72.t-coolant-trip=98degC \
    --duration 60s --output-step 60s -q --probe 'A01.T_j_hot_degC' --out "$tmp/dp"
t_sim=$(awk -F, '$1 == 60 { print $2 }' "$tmp/dp/timeseries.csv")
check "simulated steady hot GPU $t_sim degC = the predicted $t_pred degC within 0.01 K" \
    awk -v a="$t_sim" -v b="$t_pred" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 0.01) }'
run validate -q "$top_srcdir/sites/gb200-row.xml"
check "gb200-row (76 degC junction class) gives no design-point warning" [ ! -s "$tmp/err" ]
run validate -q "$top_srcdir/sites/gb200-row.xml"
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ]; then ok; else
    fail "validate -q: exit status $rc or output on stdout"
fi
# one bad file among good ones: exit 3, the good one still summarised
run validate "$top_srcdir/sites/gb200-row.xml" "$bad_dir/unit-missing.xml"
if [ "$rc" -eq 3 ] && grep -q ': valid$' "$tmp/out" &&
    grep -q 'unit-missing.xml:9: error: ' "$tmp/err"; then ok; else
    fail "validate GOOD BAD: exit status $rc, expected 3 with both reported"
fi

# ------------------------------------------------- 3. usage and commands
run validate
if [ "$rc" -eq 2 ] && [ -s "$tmp/err" ]; then ok; else
    fail "validate with no FILE: exit status $rc, expected 2 and a message"
fi
run validate --no-such-option "$top_srcdir/sites/gb200-row.xml"
if [ "$rc" -eq 2 ]; then ok; else
    fail "validate --no-such-option: exit status $rc, expected 2"
fi
missing="$tmp/no-such-site.xml"
run validate "$missing"
if [ "$rc" -eq 3 ] && grep -q "^dctwin: $missing: error: .*$missing" \
    "$tmp/err"; then ok; else
    fail "validate MISSING: exit status $rc, expected 3 naming the file"
    show_err
fi
run validate "$tmp"
if [ "$rc" -eq 3 ] && grep -q "not a regular file" "$tmp/err"; then ok; else
    fail "validate DIRECTORY: exit status $rc, expected 3"
    show_err
fi
run --help
if [ "$rc" -eq 0 ] && grep -q 'validate' "$tmp/out"; then ok; else
    fail "--help: exit status $rc, or no command list on stdout"
fi
run --version
if [ "$rc" -eq 0 ] && grep -q '^dctwin [0-9]' "$tmp/out"; then ok; else
    fail "--version: exit status $rc, or no version on stdout"
fi
if grep -q '^License GPLv3+' "$tmp/out"; then ok; else
    fail "--version does not state the licence (GPLv3+, see LICENSE)"
fi
run --help
if grep -q 'dctwin-bess-report(1)' "$tmp/out" &&
    grep -q 'dctwin-sources(7)' "$tmp/out"; then ok; else
    fail "--help does not point to dctwin-bess-report(1) and dctwin-sources(7)"
fi
run validate --help
if [ "$rc" -eq 0 ] && grep -q 'Usage' "$tmp/out"; then ok; else
    fail "validate --help: exit status $rc"
fi
run no-such-command
if [ "$rc" -eq 2 ] && grep -q 'no-such-command' "$tmp/err"; then ok; else
    fail "unknown command: exit status $rc, expected 2 naming it"
fi
run models list
if [ "$rc" -eq 0 ] && grep -q '^gb200-nvl72 ' "$tmp/out"; then ok; else
    fail "models list: exit status $rc, or gb200-nvl72 not listed"
    show_err
fi
run models show gb200-nvl72
if [ "$rc" -eq 0 ] && grep -q '^ *p-max  *132 kW' "$tmp/out"; then ok; else
    fail "models show gb200-nvl72: exit status $rc, or no p-max 132 kW"
    show_err
fi
# each parameter with its meaning, the doc of the component table
if grep -q '^ *p-max  *132 kW  *rack power at full load (u = 1)$' "$tmp/out" &&
    grep -q '^ *t-soft  *85 degC  *junction temperature where power capping starts$' "$tmp/out"; then ok; else
    fail "models show gb200-nvl72 does not give each parameter's meaning"
    sed 's/^/    /' "$tmp/out" >&2
fi
run models show nosuch
if [ "$rc" -ne 0 ] && grep -q "nosuch" "$tmp/err"; then ok; else
    fail "models show nosuch: exit status $rc, expected an error naming it"
fi
run models
if [ "$rc" -eq 2 ]; then ok; else
    fail "models with no subcommand: exit status $rc, expected 2"
fi

# ------------------------------------------------------- 4. big inputs
# elapsed CMD...: run dctwin like run(), $secs the wall time in seconds.
elapsed() {
    t0=$(date +%s)
    run "$@"
    t1=$(date +%s)
    secs=$((t1 - t0))
}

# A 50 MB file: a valid start, then a comment of 50 MB.  It must be refused
# from its size alone, before it is read: no parse or UTF-8 message, and
# (checked with strace when there is one) the file is never opened.
big="$tmp/big.xml"
{
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<site name="big">\n<!--\n'
    awk 'BEGIN {
        s = "0123456789abcdef0123456789abcdef0123456789abcdef012345678\n"
        for (i = 0; i < 900000; i++) printf "%s", s
    }'
    printf '%s\n' '-->' '</site>'
} >"$big"
size=$(wc -c <"$big")
if [ "$size" -lt 50000000 ]; then
    fail "could not make a 50 MB file (got $size bytes)"
fi
elapsed validate "$big"
if no_crash "50 MB file"; then
    if [ "$rc" -eq 3 ] &&
        grep -q "^dctwin: $big: error: .* MiB: site and model files are limited to [0-9]* MiB\$" "$tmp/err" &&
        ! grep -q -e 'well-formed' -e 'UTF-8' "$tmp/err" &&
        [ "$secs" -le 5 ]; then
        ok
    else
        fail "50 MB file: exit status $rc after ${secs}s, expected 3 within 5 s with a size message"
        show_err
    fi
fi
if command -v strace >/dev/null 2>&1 &&
    strace -f -q -e trace=open,openat -o "$tmp/strace" true 2>/dev/null; then
    set +e
    strace -f -q -e trace=open,openat -o "$tmp/strace" \
        "$DCTWIN" validate "$big" >/dev/null 2>&1
    set -e
    if grep -q "big\.xml" "$tmp/strace"; then
        fail "50 MB file: it was opened (it should be refused on its size)"
        grep "big\.xml" "$tmp/strace" | head -n 3 >&2
    else
        ok
    fi
else
    echo "note: strace not usable; not checked that the big file is never opened" >&2
fi

# A site of a million racks, by an id range and by counts over many rows.
models=$top_srcdir/models
make_site() { # NAME ROWS-TEXT
    cat >"$tmp/$1.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<site name="$1">
  <include href="$models/racks.xml"/>
  <include href="$models/cdus.xml"/>
  <include href="$models/heat-rejection.xml"/>
  <include href="$models/power.xml"/>
  <power>
    <grid id="utility" contract="10 GW"/>
    <rectifier id="sst" model="sst-3.5mw" grid="utility" bus="dc-1"/>
    <dc-bus id="dc-1"/>
    <busway id="bw" model="busway-1500a" bus="dc-1"/>
  </power>
  <cooling>
    <heat-rejection id="dry" model="drycooler-600kw" count="3"/>
    <facility-loop id="fws" heat-rejection="dry" supply-setpoint="31 degC"/>
    <cdu id="cdu-1" model="xdu1350" loop="fws"/>
    <hall-air id="hall"/>
  </cooling>
$2
</site>
EOF
}
make_site million-range '  <row id="R" cdu="cdu-1" busway="bw">
    <rack id="R0000001..R1000000" model="gb200-nvl72"/>
  </row>'
rows=
for r in A B C D E F G H I J; do
    rows="$rows  <row id=\"$r\" cdu=\"cdu-1\" busway=\"bw\"><rack count=\"100000\" model=\"gb200-nvl72\"/></row>
"
done
make_site million-count "$rows"
for s in million-range million-count; do
    elapsed validate "$tmp/$s.xml"
    no_crash "$s" || continue
    if [ "$rc" -eq 3 ] && [ "$secs" -le 5 ] &&
        grep -q "^dctwin: $tmp/$s.xml:[0-9]*: error: too many racks: .*at most [0-9]*\$" "$tmp/err"; then
        ok
    else
        fail "$s: exit status $rc after ${secs}s, expected 3 within 5 s and 'too many racks'"
        show_err
    fi
done
# At the cap itself the site is valid, and checking it is not quadratic in
# the number of racks (it was: 45 s for 10^5 racks; now well under 1 s).
make_site at-cap '  <profile id="p" type="constant"/>
  <row id="R" cdu="cdu-1" busway="bw">
    <rack id="R000001..R100000" model="gb200-nvl72" profile="p"/>
  </row>'
elapsed validate "$tmp/at-cap.xml"
if no_crash "at-cap"; then
    if [ "$rc" -eq 0 ] && grep -q '^  racks  *100000 in 1 row' "$tmp/out" &&
        [ "$secs" -le 15 ]; then
        ok
    else
        fail "100000 racks: exit status $rc after ${secs}s, expected 0 within 15 s"
        show_err
    fi
fi

# Many errors: all counted, the first ones shown, the rest summarised.
{
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<site name="many">\n'
    awk 'BEGIN { for (i = 0; i < 300; i++)
        printf "  <profile id=\"p%d\" type=\"square\"/>\n", i }'
    printf '</site>\n'
} >"$tmp/many.xml"
run validate "$tmp/many.xml"
if no_crash "many errors"; then
    if [ "$rc" -eq 3 ] &&
        grep -q "^dctwin: $tmp/many.xml:3: error: <profile> attribute 'type' = 'square' is not one of " "$tmp/err" &&
        grep -q '^dctwin: 100 more messages not shown$' "$tmp/err" &&
        grep -q "^dctwin: $tmp/many.xml: 300 errors\$" "$tmp/err"; then
        ok
    else
        fail "300 errors: exit status $rc, expected 3, 200 shown and 100 more counted"
        show_err
    fi
fi

# Includes nested 20 deep: refused at the 17th level.
make_site deep-include '  <include href="lib01.xml"/>
  <row id="R" cdu="cdu-1" busway="bw"><rack id="R01" model="gb200-nvl72"/></row>'
i=1
while [ "$i" -le 20 ]; do
    this=$(printf 'lib%02d.xml' "$i")
    next=$(printf 'lib%02d.xml' $((i + 1)))
    if [ "$i" -lt 20 ]; then
        printf '<library name="l%d">\n  <include href="%s"/>\n</library>\n' \
            "$i" "$next" >"$tmp/$this"
    else
        printf '<library name="l%d"/>\n' "$i" >"$tmp/$this"
    fi
    i=$((i + 1))
done
run validate "$tmp/deep-include.xml"
if no_crash "deep includes" && [ "$rc" -eq 3 ] &&
    grep -q "^dctwin: $tmp/lib15.xml:2: error: includes nested deeper than 16 levels\$" "$tmp/err"; then
    ok
else
    fail "includes 20 deep: exit status $rc, expected 3 at lib15.xml:2"
    show_err
fi

# A deep nest of elements: refused, no stack overflow.
awk 'BEGIN { printf "<?xml version=\"1.0\"?>\n<site name=\"deep\">";
    for (i = 0; i < 100000; i++) printf "<row>";
    for (i = 0; i < 100000; i++) printf "</row>";
    printf "</site>\n" }' >"$tmp/deep.xml"
run validate "$tmp/deep.xml"
if no_crash "deep nesting" && [ "$rc" -eq 3 ]; then ok; else
    fail "100000 nested elements: exit status $rc, expected 3"
fi

# ------------------------------------------- 4b. redundant groups
# The reference hall: two CDU groups of three MCDU-70 declared N+1.  By
# hand: a group's 36 GB200 racks put 36 x 0.87 x 132 kW = 4.134 MW into
# the liquid (2 x 2.5 MW carry it) at 36 x 2.667 L/s x 1012.5 kg/m3 =
# 96.0 kg/s (2 x 63.3 kg/s carry it): 2 needed, 3 installed.
hall="$top_srcdir/sites/reference-hall.xml"
set +e
"$DCTWIN" validate "$hall" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
row=$(grep 'CDU group of cdu-ab1' "$tmp/out" || true)
set -- $row
if [ "$rc" -eq 0 ] && [ "${5:-}" = 3 ] && [ "${6:-}" = 2 ] && [ "${7:-}" = N+1 ] &&
    [ "${8:-}" = 4.134 ] && [ "${10:-}" = 96.0 ]; then ok; else
    fail "reference hall: CDU group row '$row' (exit $rc), expected 3 installed, 2 needed, N+1, 4.134 MW, 96.0 kg/s"
fi
if [ ! -s "$tmp/err" ]; then ok; else
    fail "reference hall: a warning where the groups hold: $(cat "$tmp/err")"
fi
# one CDU group, every pump line and the generators: each kind listed
for kind in 'pumps of cdu-ab1 .. cdu-cd3, each' 'sst (rectifiers)' \
    'dry (heat rejection)' 'hall (CRAHs)' 'gen (generators)'; do
    if grep -qF "$kind" "$tmp/out"; then ok; else
        fail "reference hall: no redundancy row '$kind'"
    fi
done
# N+2 declared where one spare stands: a warning at the row's line, also
# with -q, and still valid (exit 0)
line=$(grep -n '<row id="A"' "$hall" | cut -d: -f1)
set +e
"$DCTWIN" validate -q --set A.cdu-redundancy=N+2 "$hall" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
if [ "$rc" -eq 0 ] && grep -qF "reference-hall.xml:$line: warning: CDU group of cdu-ab1: 3 installed as N+2, 2 needed: the declared spares are not there" "$tmp/err" &&
    [ ! -s "$tmp/out" ]; then ok; else
    fail "N+2 on row A: exit $rc, stderr '$(cat "$tmp/err")'"
fi
# too few units for the load: one dry cooler of 600 kW for 8.3 MW
set +e
"$DCTWIN" validate --set dry.count=1 --set dry.redundancy=N "$hall" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
if [ "$rc" -eq 0 ] && grep -q 'warning: dry (heat rejection): 1 installed as N, 14 needed: too few units' "$tmp/err"; then ok; else
    fail "one dry cooler: exit $rc, stderr '$(cat "$tmp/err")'"
fi

# the summary fits 100 columns on every shipped site (a long description
# is wrapped)
for s in "$top_srcdir"/sites/*.xml; do
    w=$("$DCTWIN" validate "$s" 2>/dev/null | awk '{ if (length > m) m = length } END { print m + 0 }')
    if [ "$w" -le 100 ]; then ok; else
        fail "$(basename "$s"): the summary is $w columns wide, expected at most 100"
    fi
done

# -------------------------------------------------------- 5. valgrind
if [ "${DCTWIN_VALGRIND:-0}" = 1 ]; then
    if command -v valgrind >/dev/null 2>&1; then
        for name in multiple-errors multiple-check-errors doctype-laughs \
            include-cycle truncated garbage duplicate-range \
            too-many-racks-rows dangling-model utf16; do
            set +e
            (cd "$bad_dir" && valgrind -q --error-exitcode=99 \
                --leak-check=full --errors-for-leak-kinds=definite,possible \
                "$DCTWIN" validate "$name.xml") >/dev/null 2>"$tmp/err"
            rc=$?
            set -e
            if [ "$rc" -eq 3 ]; then ok; else
                fail "valgrind $name.xml: exit status $rc, expected 3"
                grep '^==' "$tmp/err" | head -n 20 >&2
            fi
        done
    else
        echo "note: DCTWIN_VALGRIND=1 but valgrind is not installed" >&2
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
