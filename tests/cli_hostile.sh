#!/bin/sh
# cli_hostile.sh - hostile inputs (issue 19): every one gives a clear
# message and a documented exit status, never a crash (status > 5), a hang
# (each run under `timeout 10`) or unbounded memory (ulimit -v 1 GiB where
# the build allows it).
#
#  - FIFOs, directories and devices given as --profile, a scenario's
#    weather= file, a profile's file=, criteria, scenario and run-directory
#    files are refused at once, naming what the file is;
#  - a huge line, NUL bytes, hexadecimal numbers and absurd powers in
#    traces; terminal escapes and a byte order mark in CSV headers, a
#    description with "&#10;": shown escaped;
#  - XML with 10^5 attributes on one element or nested 300 deep is refused
#    before libxml2 spends time on it;
#  - a criteria file of 45 checks (more than the 28 simulated ones) with
#    markup in its text gives a well-formed report.html with no <script>;
#    an id with markup is refused at FILE:LINE;
#  - a scenario without events; --set of a rack's count; units= above the
#    installed count; r-ci-a = r-ci-b = 0; --out ''; a reciprocal unit.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_hostile
. "${top_srcdir:-.}/tests/testlib.sh"

top_srcdir=$(cd "$top_srcdir" && pwd)
site="$top_srcdir/tests/data/one-rack.xml"
bsite="$top_srcdir/tests/data/bess-small.xml"

# Address-space cap for the runs (not under ASan, which reserves terabytes
# of shadow memory up front).
vlimit=""
if ! "$DCTWIN" --version 2>&1 | grep -qi sanitize &&
    ! nm "$DCTWIN" 2>/dev/null | grep -q __asan_init; then
    vlimit="ulimit -v 1048576;"
fi

# hrun ARG...: dctwin ARG... under timeout $limit_s (10 s unless set;
# and the memory cap).
hrun() {
    set +e
    sh -c "$vlimit"' t=$1; shift; exec timeout "$t" "$@"' sh \
        "${limit_s:-10}" "$DCTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
}

# status WHAT STATUS: the last run exited STATUS, with no sanitizer report.
status() {
    check "$1: exit status $rc, expected $2" [ "$rc" -eq "$2" ]
    check "$1: no sanitizer report" \
        sh -c "! grep -q -e AddressSanitizer -e 'runtime error:' '$tmp/err'"
}

# sane WHAT STATUS PATTERN: the last run exited STATUS (no crash, no
# timeout) and stderr holds the grep -E pattern PATTERN.
sane() {
    if [ "$rc" -ne "$2" ]; then
        fail "$1: exit status $rc, expected $2"
        sed 's/^/    stderr: /' "$tmp/err" | head -n 5 >&2
        return
    fi
    if grep -q -e 'AddressSanitizer' -e 'runtime error:' "$tmp/err"; then
        fail "$1: a sanitizer fired"
        sed 's/^/    stderr: /' "$tmp/err" | head -n 10 >&2
        return
    fi
    if ! grep -qE -- "$3" "$tmp/err"; then
        fail "$1: says '$3'"
        sed 's/^/    stderr: /' "$tmp/err" | head -n 5 >&2
        return
    fi
    ok
}

mkfifo "$tmp/fifo"
mkdir "$tmp/dir"

# --------------------------------------------------- non-regular files
for f in "$tmp/fifo" "$tmp/dir" /dev/zero; do
    hrun simulate "$site" --profile "$f" --duration 1s --out "$tmp/o" -q
    sane "--profile $f" 3 "cannot read profile trace .*: is (a FIFO|a directory|a character device), not a regular file"
done
hrun simulate "$site" --scenario "$tmp/fifo" --duration 1s --out "$tmp/o" -q
sane "--scenario FIFO" 3 "is a FIFO, not a regular file"

printf '<scenario name="w">\n<event t="0 s" weather="fifo"/>\n</scenario>\n' \
    >"$tmp/wx.xml"
hrun simulate "$site" --scenario "$tmp/wx.xml" --duration 1s --out "$tmp/o" -q
sane "weather= FIFO" 3 "wx.xml:2: error: cannot read weather file .*is a FIFO"

sed -e 's|\.\./\.\./models/|'"$top_srcdir"'/models/|' \
    -e 's|<profile id="training" type="llm-training"|<profile id="training" type="csv" file="fifo"/><profile id="unused" type="llm-training"|' \
    -e 's|<rack id="A01" model="gb200-nvl72"/>|<rack id="A01" model="gb200-nvl72" profile="training"/>|' \
    "$site" >"$tmp/pf.xml"
check "the profile file= site was made" grep -q 'file="fifo"' "$tmp/pf.xml"
hrun simulate "$tmp/pf.xml" --duration 1s --out "$tmp/o" -q
sane "profile file= FIFO" 3 "pf.xml:[0-9]+: error: cannot read profile trace .*is a FIFO"

hrun bess-report "$bsite" --bess bess-1 --criteria "$tmp/fifo" --out "$tmp/b" -q
sane "--criteria FIFO" 3 "cannot read the criteria file: is a FIFO"
hrun validate "$tmp/fifo"
sane "validate FIFO" 3 "not a regular file"

# a run directory whose files are a device or a FIFO
hrun simulate "$site" --duration 4s --output-step 1s --out "$tmp/run" -q
check "a small run for the run-directory readers (got $rc)" [ "$rc" -eq 0 ]
cp -r "$tmp/run" "$tmp/rz"
rm -f "$tmp/rz/timeseries.csv" "$tmp/rz/plots"
ln -s /dev/zero "$tmp/rz/timeseries.csv"
hrun plot "$tmp/rz" --out "$tmp/pz"
sane "plot: timeseries.csv is /dev/zero" 3 "timeseries.csv, listed in manifest.sha256, is a symbolic link"
rm -f "$tmp/rz/timeseries.csv"
mkfifo "$tmp/rz/timeseries.csv"
hrun plot "$tmp/rz" --out "$tmp/pz"
sane "plot: timeseries.csv is a FIFO" 3 "is a FIFO, not a regular file"
# a regular file with one line of 100 MB (sparse: NUL bytes)
rm -f "$tmp/rz/timeseries.csv"
if truncate -s 100M "$tmp/rz/timeseries.csv" 2>/dev/null; then
    # the 64 MiB before the cap are read (about 5 s under ASan): 30 s
    limit_s=30
    hrun plot "$tmp/rz" --out "$tmp/pz"
    limit_s=10
    sane "plot: a 100 MB line" 3 "timeseries.csv:1: error: line longer than"
fi
cp "$tmp/run/margins.txt" "$tmp/rz/" 2>/dev/null || :
rm -f "$tmp/rz/margins.txt"
ln -s /dev/zero "$tmp/rz/margins.txt"
hrun margins "$tmp/rz"
sane "margins DIR with margins.txt = /dev/zero" 3 "margins.txt, listed in manifest.sha256, is a symbolic link"

# ------------------------------------------------------------ traces
trace() { # trace NAME CONTENT (printf format)
    printf "$2" >"$tmp/$1.csv"
    hrun simulate "$site" --profile "$tmp/$1.csv" --duration 1s --out "$tmp/o" -q
}
trace huge-power 't_s,P_W\n0,1e300\n10,1e300\n'
sane "a trace of 1e300 W" 3 "huge-power.csv:2: error: power 1e\+300 W is above the 1e\+09 W"
trace hex-time 't_s,u\n0,0.5\n0x1p3,0.5\n'
sane "a hexadecimal time" 3 "hex-time.csv:3: error: expected 'time,value' with decimal numbers"
trace inf-value 't_s,u\n0,0.5\n1,inf\n'
sane "inf in a trace" 3 "inf-value.csv:3: error: expected 'time,value'"
printf 't_s,u\n0,0.5\n1,0.5\0junk\n' >"$tmp/nul.csv"
hrun simulate "$site" --profile "$tmp/nul.csv" --duration 1s --out "$tmp/o" -q
sane "a NUL byte in a trace" 3 "nul.csv:3: error: NUL byte"
{
    printf 't_s,u\n0,0.5\n'
    head -c 5000 /dev/zero | tr '\0' '1'
    printf ',0.5\n'
} >"$tmp/long.csv"
hrun simulate "$site" --profile "$tmp/long.csv" --duration 1s --out "$tmp/o" -q
sane "a 5000-byte line" 3 "long.csv:3: error: line longer than 4096 bytes"
trace bom '\357\273\277t_s,u\n0,0.5\n1,0.5\n'
sane "a byte order mark, shown" 3 "found '\\\\xEF\\\\xBB\\\\xBFt_s,u' \(it starts with a UTF-8 byte order mark"
trace esc '\033]0;owned\007\033[31mt_s,u\n0,1\n1,1\n'
sane "terminal escapes in a header, shown escaped" 3 "found '\\\\x1B\]0;owned\\\\x07\\\\x1B\[31mt_s,u'"
check "no raw ESC byte reaches stderr" sh -c "! grep -q \"$(printf '\033')\" '$tmp/err'"

printf 't_s,T_db_degC\n0x10,25\n100,25\n' >"$tmp/w-hex.csv"
printf '<scenario name="w">\n<event t="0 s" weather="w-hex.csv"/>\n</scenario>\n' \
    >"$tmp/wh.xml"
hrun simulate "$site" --scenario "$tmp/wh.xml" --duration 1s --out "$tmp/o" -q
sane "a hexadecimal time in weather" 3 "w-hex.csv:2: error: expected 'time,dry-bulb' with decimal numbers"
printf '\033[2Jt_s,T_db_degC\n0,25\n100,25\n' >"$tmp/w-esc.csv"
sed 's/w-hex/w-esc/' "$tmp/wh.xml" >"$tmp/we.xml"
hrun simulate "$site" --scenario "$tmp/we.xml" --duration 1s --out "$tmp/o" -q
sane "terminal escapes in a weather header" 3 "found '\\\\x1B\[2Jt_s,T_db_degC'"

# --------------------------------------------------------------- XML
awk 'BEGIN { printf "<?xml version=\"1.0\"?>\n<site name=\"x\">\n<hall";
             for (i = 0; i < 100000; i++) printf " a%d=\"1\"", i;
             printf "/>\n</site>\n" }' >"$tmp/attrs.xml"
hrun validate "$tmp/attrs.xml"
sane "10^5 attributes on one element" 3 "attrs.xml:3: error: an element with 100000 attributes: at most 256 are allowed"
awk 'BEGIN { printf "<?xml version=\"1.0\"?>\n<scenario name=\"d\">\n";
             for (i = 0; i < 300; i++) printf "<e>";
             for (i = 0; i < 300; i++) printf "</e>";
             printf "\n</scenario>\n" }' >"$tmp/deep.xml"
hrun simulate "$site" --scenario "$tmp/deep.xml" --duration 1s --out "$tmp/o" -q
sane "a scenario nested 300 deep" 3 "deep.xml:3: error: elements nested more than 64 deep"
check "libxml2's advice never reaches the user" sh -c "! grep -q XML_PARSE_HUGE '$tmp/err'"

sed -e 's|\.\./\.\./models/|'"$top_srcdir"'/models/|' \
    -e 's|description="[^"]*"|description="one\&#10;dctwin: fake.xml:1: error: fake"|' \
    "$site" >"$tmp/desc.xml"
hrun validate "$tmp/desc.xml"
status "a description with &#10;" 0
check "a description with &#10; adds no line" \
    sh -c "! grep -q '^dctwin: fake' '$tmp/out'"
check "a description with &#10; shows it escaped" \
    grep -qF 'one\x0Adctwin: fake' "$tmp/out"

# ------------------------------------------------------------ criteria
{
    echo '<criteria name="many">'
    for i in $(seq 1 45); do
        echo "<check id=\"ns-$i\" name=\"n&lt;script&gt;alert($i)&lt;/script&gt;\" metric=\"m &amp; &quot;q&quot;\" basis=\"dctwin\" source=\"s\" status=\"not-simulated\" criterion=\"&lt;b&gt;c\"/>"
    done
    echo '</criteria>'
} >"$tmp/c45.xml"
hrun bess-report "$bsite" --bess bess-1 --criteria "$tmp/c45.xml" --out "$tmp/r45" -q
status "45 checks (more than the 44 results of old)" 0
check "report.html has all 45 checks" \
    [ "$(grep -c '<section id="ns-' "$tmp/r45/report.html")" -eq 45 ]
check "report.html holds no <script> element" \
    sh -c "! grep -qi '<script' '$tmp/r45/report.html'"
if command -v xmllint >/dev/null 2>&1; then
    check "xmllint accepts report.html" xmllint --noout "$tmp/r45/report.html"
fi
sed 's|id="ns-7"|id="\&lt;script\&gt;alert(7)\&lt;/script\&gt;"|' "$tmp/c45.xml" \
    >"$tmp/cbad.xml"
hrun bess-report "$bsite" --bess bess-1 --criteria "$tmp/cbad.xml" --out "$tmp/rb" -q
sane "an id with markup" 3 "cbad.xml:8: error: <check> id '<script>alert\(7\)</script>' \(expected 1 to 64 letters"
check "no report for refused criteria" [ ! -e "$tmp/rb/report.html" ]
hrun bess-report "$bsite" --bess bess-1 --criteria "$tmp/c45.xml" --out '' -q
sane "bess-report --out ''" 2 "--out '': expected a directory name"

# ------------------------------------------------- silently ignored input
printf '<scenario name="none" description="no events"/>\n' >"$tmp/none.xml"
hrun simulate "$site" --scenario "$tmp/none.xml" --duration 2s --out "$tmp/n" -q
status "a scenario without events" 0
hrun validate "$site" --set A01.count=100000
sane "--set A01.count" 3 "A01.count=100000': a <rack>'s count .* cannot be changed with --set"
printf '<scenario name="u">\n<event t="1 s" fail="sst" units="100000"/>\n</scenario>\n' \
    >"$tmp/units.xml"
hrun simulate "$site" --scenario "$tmp/units.xml" --duration 2s --out "$tmp/o" -q
sane "units= above the installed count" 3 "units.xml:2: error: units=\"100000\": 'sst' has 2 installed"
hrun validate "$site" --set 'A01.r-ci-a=0 K/W' --set 'A01.r-ci-b=0 K*m3/s/W'
sane "r-ci-a = r-ci-b = 0" 3 "rack A01: r-ci-a and r-ci-b are both 0"
hrun validate "$site" --set 'cdu-1.pi-gain=0.2/K'
status "a reciprocal unit 0.2/K" 0
hrun simulate "$site" --out '' -q
sane "simulate --out ''" 2 "--out '': expected a directory name"
hrun simulate "$site" --grid-trace "$tmp/gt.csv" --grid-step 1e-9s --duration 10s --out "$tmp/o" -q
sane "--grid-step 1e-9s" 2 "10 s in steps of 1e-09 s would give"

# the smallest bus capacitance the validation accepts settles (it was
# 1e-6 F, which failed with exit 4); below it, a validation error
hrun validate "$site" --set 'dc-1.capacitance=1e-6 F'
sane "capacitance 1e-6 F" 3 "capacitance' = '1e-6 F' is out of range \(expected 0.01 F to 1000 F\)"
hrun simulate "$top_srcdir/sites/reference-hall.xml" \
    --set 'dc-1.capacitance=0.01 F' --duration 2s --out "$tmp/cap" -q
status "the largest shipped site at the minimum capacitance 0.01 F" 0

# ------------------------------------------------- the validity envelope
# With every cooling path lost the racks trip (rack trip in
# dctwin-models(7)) before their coolant leaves its liquid range, so the
# run stays inside the envelope; a grid lost on a site with no battery and
# no generator lets the bus collapse below half its nominal voltage, which
# leaves it.
printf '<scenario name="all-cooling-lost">\n<event t="10 s" fail="cdu-1"/>\n<event t="10 s" fail="dry"/>\n<event t="10 s" fail="hall"/>\n</scenario>\n' \
    >"$tmp/allfail.xml"
hrun simulate "$site" --scenario "$tmp/allfail.xml" --duration 2h --out "$tmp/af"
status "every cooling path lost for 2 h" 1
check "every cooling path lost: the rack trips" \
    grep -q '^[0-9.e+]*,A01,rack-trip$' "$tmp/af/events.csv"
check "every cooling path lost: the coolant stays liquid" \
    sh -c "! grep -q 'outside-validity:coolant' '$tmp/af/events.csv'"
printf '<scenario name="grid-lost">\n<event t="10 s" fail="utility"/>\n</scenario>\n' \
    >"$tmp/gridloss.xml"
hrun simulate "$site" --scenario "$tmp/gridloss.xml" --duration 30s --out "$tmp/gl"
status "the grid lost with nothing to carry the bus" 1
check "events.csv: the bus left its voltage range, once" \
    [ "$(grep -c '^[0-9.e+]*,dc-1,outside-validity:bus-voltage$' "$tmp/gl/events.csv")" -eq 1 ]
check "a warning names the range" \
    grep -q 'warning: bus-voltage dc-1 = [0-9.]* V at t = .*(the model is valid from 400 to 1200 V' "$tmp/err"
check "the summary says the model left its valid range" \
    grep -q '^warning: the model left its valid range (1 range of components left; first bus-voltage dc-1' "$tmp/out"
check "run.json says so" \
    grep -q '"validity":{"left":true,"n":1,"first":{"t_s":[0-9.e+]*,"component":"dc-1","kind":"bus-voltage"' "$tmp/gl/run.json"
check "a run inside the envelope says nothing" \
    sh -c "grep -q '\"validity\":{\"left\":false,\"n\":0,\"first\":null}' '$tmp/run/run.json' && ! grep -q outside-validity '$tmp/run/events.csv'"

finish
