#!/bin/sh
# cli_bess_report.sh - `dctwin bess-report` on a small block
# (tests/data/bess-small.xml: four GB200 racks, one 2 MW / 4.5 MWh
# container smoothing, a generator): the report's shape, checks with known
# answers passing and failing, an undersized battery, criteria files and
# their errors, seeds, plots with and without gnuplot.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_bess_report
. "${top_srcdir:-.}/tests/testlib.sh"

site="$top_srcdir/tests/data/bess-small.xml"
crit="$top_srcdir/models/criteria/default.xml"
# Field F of check ID in report.json R (each check is one line).
field() {
    grep "\"id\":\"$2\"" "$1" | sed -n "s/.*\"$3\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p" |
        tr -d '"'
}
num_in() { awk -v x="$1" -v a="$2" -v b="$3" 'BEGIN { exit !(x != "" && x != "null" && x + 0 >= a && x + 0 <= b) }'; }
has_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && has_gnuplot=1

# ------------------------------------------------------ the default report
# without DCTWIN_MODELS_PATH: the criteria beside the site's libraries
mp_save=${DCTWIN_MODELS_PATH-}
unset DCTWIN_MODELS_PATH
run bess-report "$site" --bess bess-1 --out "$tmp/r"
[ -n "$mp_save" ] && export DCTWIN_MODELS_PATH="$mp_save"
j="$tmp/r/report.json"
crit_sha=$(sha256sum "$top_srcdir/models/criteria/default.xml" | cut -c 1-64)
check "the default criteria come from the site's models/ (a source tree)" \
    grep -q "{\"file\":\"default.xml\",\"sha256\":\"$crit_sha\"}" "$j"
check "default report exits 0 (got $rc; $(head -c 300 "$tmp/err"))" [ "$rc" -eq 0 ]
check "report.json and report.html written" [ -s "$j" ] && [ -s "$tmp/r/report.html" ]
check "all_pass true" grep -q '"all_pass":true' "$j"
n_pass=$(grep -c '"status":"pass"' "$j" || :)
n_ns=$(grep -c '"status":"not-simulated"' "$j" || :)
check "28 simulated checks pass (got $n_pass)" [ "$n_pass" -eq 28 ]
check "3 not simulated (got $n_ns)" [ "$n_ns" -eq 3 ]
# every check carries every field of the issue's shape
n_checks=$(grep -c '^  {"id":' "$j" || :)
for k in id name nvidia_test metric unit measured threshold status margin \
    source basis plot; do
    n=$(grep '^  {"id":' "$j" | grep -c "\"$k\":" || :)
    check "every check has \"$k\" ($n of $n_checks)" [ "$n" -eq "$n_checks" ]
done
check "telemetry is NVIDIA v1.0 text, not simulated" \
    test "$(field "$j" t1-telemetry basis)" = nvidia-v1.0
check "summary printed on stdout" grep -q '^PASS: 0 of 31 checks failed' "$tmp/out"
# the HTML is well-formed XML, has the statement and every check
if command -v xmllint >/dev/null 2>&1; then
    check "report.html is well-formed" xmllint --noout "$tmp/r/report.html"
fi
# the front matter: identity, how it was made, an empty sign-off
h="$tmp/r/report.html"
check "front matter: a document id" \
    grep -q '<th>Document id</th><td><code>BR-[0-9A-F]\{4\}-[0-9A-F]\{4\}-[0-9A-F]\{4\}-[0-9A-F]\{4\}</code>' "$h"
check "front matter: the date with its zone" \
    grep -q '<th>Date</th><td>20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-9:]* [A-Z]* (UTC[+-][0-9]\{4\})</td>' "$h"
check "front matter: the version and source revision" \
    grep -q '<th>dctwin</th><td>[0-9.]*, source revision <code>[^<]' "$h"
check "front matter: the libraries' versions" \
    grep -q '<td>SUNDIALS [0-9.]* (CVODE), SuiteSparse [0-9.]* (KLU [0-9.]*), GSL [0-9.]*, libxml2 [0-9.]*</td>' "$h"
check "front matter: the command line as given" \
    grep -q '<code>dctwin bess-report bess-small.xml --bess bess-1 --out r</code>' "$h"
check "front matter: an empty sign-off block" \
    grep -q '<tr><td>Prepared by</td><td></td><td></td><td></td></tr>' "$h"
check "no override banner without --set" sh -c "! grep -q 'id=\"override\"' '$h'"
check "report.json: document id and revision" \
    grep -q '"document_id":"BR-[0-9A-F-]*","dctwin_version":"[^"]*","source_revision":"[^"]' "$j"
# the unit under test: every parameter of the battery with its origin
check "unit under test section" grep -q '<section id="unit-under-test">' "$h"
for p in count power capacity r0 tau-conv control soc-min soc-max eta-conv; do
    check "unit under test: $p" grep -q "<tr><td><code>$p</code></td>" "$h"
done
check "unit under test: the converter rating from the model" \
    grep -q '<tr><td><code>power</code></td><td>2 MW</td><td>converter power rating</td><td>model lfp-2mw-4mwh</td></tr>' "$h"
check "unit under test: the model's sources with their keys" \
    grep -q 'Sources of the model.s numbers.</b> [^<]*\[WEB-LFP-2025\]' "$h"
check "report.html says it is not a certificate" \
    grep -q 'not a certificate' "$tmp/r/report.html"
check "report.html states the AC-terminal boundary" \
    grep -q 'at its AC terminals' "$tmp/r/report.html"
for id in $(sed -n 's/.*<check id="\([^"]*\)".*/\1/p' "$crit"); do
    check "report.html has check $id" grep -q "<section id=\"$id\">" "$tmp/r/report.html"
done
check "report.html's Basis column gives the sources' keys" \
    grep -q '<td>nvidia-v0.4-reading<br/><small>\[BESSQ-V04-READINGS-2026\]</small></td>' "$tmp/r/report.html"
check "report.html points to dctwin-sources(7)" \
    grep -q 'dctwin-sources(7)' "$tmp/r/report.html"
check "report.html lists input digests" \
    grep -q '<td><code>[0-9a-f]\{64\}</code></td>' "$tmp/r/report.html"
check "the inputs are kept" \
    test -s "$tmp/r/inputs/day-profile.csv" -a -s "$tmp/r/inputs/loss-scenario.xml"
check "the runs' full traces are not kept without --keep-runs" \
    test ! -e "$tmp/r/runs"
check "the report directory is published whole, with its manifest" \
    grep -q '  report.html$' "$tmp/r/manifest.sha256"
kb=$(du -sk "$tmp/r" | cut -f1)
check "the report folder is at most 10 MB ($kb kB)" [ "$kb" -le 10240 ]

# known answers
# step: the converter's power loop is first order, tau-conv 0.5 ms:
# t90 = tau ln 10 = 1.15 ms, plus the bus's own settling: 0.5 to 5 ms
t90=$(field "$j" step-t90 measured)
check "step t90 $t90 s is the converter lag (0.5 to 5 ms)" num_in "$t90" 0.0005 0.005
# demand response: the cap holds within one 10 ms sample
check "fast DR answers within 20 ms" num_in "$(field "$j" t6-dr-fast measured)" 0 0.02
# the 24 h SOC: the DR hour takes 0.3 x 528 kW for an hour (less two
# 70 s checkpoint dips) through the converter (eta 0.983): 158 kWh of
# 4992 cells x 280 Ah x 3.29 V = 4.6 MWh, 3.4 % of SOC from 60 %
smin=$(field "$j" t11-soc-min measured)
check "lowest SOC $smin % is 60 % less the DR hour's 3.4 %" num_in "$smin" 56.2 56.9
# with smoothing the grid-side ramp is far below the 20 %/s stimulus
check "grid ramp under the 20 %/s stimulus is below 5 %/s" \
    num_in "$(field "$j" t4-ramp-stimulus measured)" 0 5
# round trip through the converter twice (eta-conv 0.983): at most
# 0.983^2 = 96.63 %, the cells' own losses at 0.03 C taking a little more
check "round-trip efficiency $(field "$j" rte measured) % within 95-96.63 %" \
    num_in "$(field "$j" rte measured)" 95 96.63
# the cells' heat at 0.03 C through r-th 1 K/W: within 0.1 K of the 25 degC
# container coolant
check "cell temperature near the 25 degC coolant" \
    num_in "$(field "$j" t-cell measured)" 25 25.1
# the racks' whole swing (4 x 92 kW) is far under the 2 MW rating: never
# above it
check "no time above the rating" \
    num_in "$(field "$j" overload-time measured)" 0 0
if [ "$has_gnuplot" -eq 1 ]; then
    for p in "$tmp"/r/plots/*.png; do
        check "$p is a PNG" sh -c "head -c 8 '$p' | od -An -c | grep -q 'P   N   G'"
    done
    n_plot=$(grep '^  {"id":' "$j" | grep -c '"plot":"plots/' || :)
    # rte and ageing are numbers of a whole run: no plot
    check "every simulated check but two has a plot ($n_plot)" [ "$n_plot" -eq 26 ]
    # every plot of a judged check draws the quantity judged against its
    # limit: its evidence file (the data the plot draws) has the limit
    for id in $(grep '^  {"id":' "$j" | grep -v '"status":"not-simulated"' |
        grep '"plot":"plots/' | sed 's/^  {"id":"\([^"]*\)".*/\1/'); do
        pn=$(field "$j" "$id" plot)
        ev="$tmp/r/evidence/$(basename "$pn" .png).csv"
        check "$id: its plot's evidence has the limit ($ev)" \
            sh -c "head -n 1 '$ev' | grep -q ',\(x\)\{0,1\}limit'"
    done
    # the limit drawn is the check's threshold, in the check's unit
    for id in t8-bus-min t4-ramp-pct t4-ramp-stimulus t11-soc-min osc-0.1-2 \
        c-rate t-cell dev-1s t4-tracking; do
        pn=$(field "$j" "$id" plot)
        ev="$tmp/r/evidence/$(basename "$pn" .png).csv"
        lim=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "limit") c = i } NR == 2 { print $c }' "$ev")
        check "$id: the limit drawn ($lim) is the threshold" \
            awk -v a="$lim" -v b="$(field "$j" "$id" threshold)" \
            'BEGIN { exit !(a != "" && a + 0 == b + 0) }'
    done
    check "the ramp check plots the ramp rate in %/s" \
        sh -c "head -n 1 '$tmp/r/evidence/ramp-rate.csv' | grep -q '^t_s,grid_ramp_pct_per_s,limit$'"
    check "plots are embedded in report.html" \
        grep -q 'src="data:image/png;base64,iVBOR' "$tmp/r/report.html"
fi

# --------------------------------------------------- an undersized battery
# 14 Ah cells: 230 kWh, and the 0.5 C limit gives 115 kW, under the 528 kW
# block: the bus collapses on a grid loss, the DR hour drains the SOC
run bess-report "$site" --bess bess-1 --set lfp-2mw-4mwh.capacity=14Ah \
    --out "$tmp/u" -q
j="$tmp/u/report.json"
check "undersized battery exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "all_pass false" grep -q '"all_pass":false' "$j"
check "grid loss fails" test "$(field "$j" t8-bus-min status)" = fail
check "bus falls below 500 V on the grid loss" \
    num_in "$(field "$j" t8-bus-min measured)" 0 500
check "the report says by how much (margin < -200 V)" \
    num_in "$(field "$j" t8-bus-min margin)" -800 -200
check "grid loss: the ride-through fails with the bus" \
    test "$(field "$j" t8-ride-through status)" = fail
check "24 h SOC window fails" test "$(field "$j" t11-soc-min status)" = fail
# 115 kW for an hour out of 230 kWh: about 50 % of SOC from 60 %
check "lowest SOC near the window's edge (got $(field "$j" t11-soc-min measured))" \
    num_in "$(field "$j" t11-soc-min measured)" 5 20
check "slow DR never reached: measured null" \
    test "$(field "$j" t6-dr-slow measured)" = null -a \
    "$(field "$j" t6-dr-slow status)" = fail
check "fast DR (53 kW) still within the 115 kW" \
    test "$(field "$j" t6-dr-fast status)" = pass
# numbers by one formatter: a time never reached says so with the run's
# length; no "never", no dash with a unit, no exponent on a percentage
h="$tmp/u/report.html"
check "slow DR: 'not reached within the run (135 s)'" \
    grep -q '<td>not reached within the run (135 s)</td>' "$h"
check "no 'never' in report.html" sh -c "! grep -q 'never s\|>never<' '$h'"
check "no dash with a unit in report.html" \
    sh -c "! grep -q '&#8211; [a-zA-Z%]\|\xe2\x80\x93 [a-zA-Z%]' '$h'"
check "no exponent on an everyday number" \
    sh -c "! grep -q '[0-9]e+0*[0-5] ' '$h'"
check "a margin as a percentage of its limit" \
    grep -q ' % of the limit)' "$h"

# ------------------------------------------------- a collapsing bus (t8)
# bess-qual with one container of six: 2 MW under the 10 MW block, the
# bus collapses on the grid loss; the ride-through (time in band with
# every load served) cannot pass while the bus voltage check fails
cat >"$tmp/t8.xml" <<'EOF2'
<criteria name="t8">
  <check id="t8-bus-min" nvidia-test="8" name="bus" metric="m" unit="V"
         sense="min" threshold="site" threshold-default="760"
         basis="dctwin" source="s"/>
  <check id="t8-ride-through" nvidia-test="8" name="ride-through"
         metric="m" unit="s" sense="min" threshold="50" basis="dctwin"
         source="s"/>
</criteria>
EOF2
abs_top=$(cd "$top_srcdir" && pwd)
run bess-report "$abs_top/sites/bess-qual.xml" --bess bess-1 \
    --set bess-1.count=1 --criteria "$tmp/t8.xml" --out "$tmp/q1" -q
j="$tmp/q1/report.json"
check "collapsing bus: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "collapsing bus: t8-bus-min fails" \
    test "$(field "$j" t8-bus-min status)" = fail
check "collapsing bus: t8-ride-through fails" \
    test "$(field "$j" t8-ride-through status)" = fail
check "collapsing bus: held the bus under 1 s of the 50 s outage" \
    num_in "$(field "$j" t8-ride-through measured)" 0 1
check "collapsing bus: the note says why" \
    grep -q '"note":"the bus fell below band-low at 10' "$j"
check "--set: the override banner on the first page" \
    grep -q '<div class="override" id="override"><p><b>Modified from the site file:</b></p>' "$tmp/q1/report.html"
check "--set: the banner says how" \
    grep -q '<li><code>bess-1.count = 1</code></li>' "$tmp/q1/report.html"
check "--set: the unit under test says the count came from --set" \
    grep -q '<tr><td><code>count</code></td><td>1</td><td>[^<]*</td><td>--set</td></tr>' "$tmp/q1/report.html"
# the site by an absolute path, the report in an absolute directory: no
# path of this machine in the report, the inputs by name with digests
for f in "$tmp/q1/report.html" "$j"; do
    check "no absolute path in ${f##*/}" \
        sh -c "! grep -q -e '$abs_top' -e '$tmp' '$f'"
done
check "the site by its name in report.json" \
    grep -q '"site":{"file":"bess-qual.xml"' "$j"
check "the generated inputs relative to the report" \
    grep -q '{"file":"inputs/loss-scenario.xml","sha256":"[0-9a-f]\{64\}"}' "$j"

# ------------------------------------------------------------- criteria
# the shipped NVIDIA-only file: every check names its test; no step run
run bess-report "$site" --bess bess-1 \
    --criteria "$top_srcdir/models/criteria/nvidia-tests.xml" --out "$tmp/nv" -q
check "nvidia-tests.xml: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "nvidia-tests.xml: 20 checks, each with its NVIDIA test" \
    test "$(grep -c '^  {"id":' "$tmp/nv/report.json")" -eq 20 -a \
    "$(grep -c '"nvidia_test":null' "$tmp/nv/report.json")" -eq 0
check "nvidia-tests.xml: no run for the checks it leaves out" \
    test ! -d "$tmp/nv/runs/step"
# a subset: only its run is made
cat >"$tmp/one.xml" <<'EOF'
<criteria name="one">
  <check id="t6-dr-fast" nvidia-test="6" name="fast DR, strict" metric="m"
         unit="s" sense="max" threshold="-1" basis="dctwin" source="a test"/>
</criteria>
EOF
run bess-report "$site" --bess bess-1 --criteria "$tmp/one.xml" --out "$tmp/c" -q \
    --keep-runs
check "a stricter threshold fails (got $rc)" [ "$rc" -eq 1 ]
check "only the run it needs" test -d "$tmp/c/runs/dr-fast" -a ! -d "$tmp/c/runs/day"
check "one check in the report" [ "$(grep -c '^  {"id":' "$tmp/c/report.json")" -eq 1 ]

# the site's own threshold (<criterion>) wins over the file's
sed -e "s|href=\"../../models|href=\"$abs_top/models|" \
    -e 's|</site>|<criterion check="t6-dr-fast" threshold="-1" note="strict"/></site>|' \
    "$site" >"$tmp/own.xml"
sed 's/threshold="-1"/threshold="2"/' "$tmp/one.xml" >"$tmp/lax.xml"
run bess-report "$site" --bess bess-1 --criteria "$tmp/lax.xml" --out "$tmp/o0" -q
check "file threshold 2 s: passes (got $rc)" [ "$rc" -eq 0 ]
run bess-report "$tmp/own.xml" --bess bess-1 --criteria "$tmp/lax.xml" --out "$tmp/o" -q
check "site threshold -1 s over the file's 2 s: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "site threshold: from the site" \
    test "$(field "$tmp/o/report.json" t6-dr-fast threshold_from)" = site
sed -i 's|check="t6-dr-fast"|check="t5-emt"|' "$tmp/own.xml"
run bess-report "$tmp/own.xml" --bess bess-1 --out "$tmp/o2" -q
check "site threshold of a not-simulated check: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "site threshold of a not-simulated check: FILE:LINE" \
    grep -q "own.xml:[0-9]*: error: <criterion check=\"t5-emt\">" "$tmp/err"

bad() {
    name=$1
    want=$2
    shift 2
    printf '%s\n' "$@" >"$tmp/bad.xml"
    run bess-report "$site" --bess bess-1 --criteria "$tmp/bad.xml" --out "$tmp/b" -q
    check "$name: exit 3 (got $rc)" [ "$rc" -eq 3 ]
    check "$name: message '$want' (got: $(head -c 200 "$tmp/err"))" grep -q -- "$want" "$tmp/err"
}
bad "unknown check" "bad.xml:2: error: <check nosuch>: no such simulated check" \
    '<criteria name="x">' \
    '<check id="nosuch" name="n" metric="m" unit="s" sense="max" threshold="1" basis="dctwin" source="s"/>' \
    '</criteria>'
bad "bad basis" "bad.xml:2: error: <check t6-dr-fast>: basis 'nvidia'" \
    '<criteria name="x">' \
    '<check id="t6-dr-fast" name="n" metric="m" unit="s" sense="max" threshold="1" basis="nvidia" source="s"/>' \
    '</criteria>'
bad "bad threshold" "bad.xml:2: error: <check t6-dr-fast>: threshold 'two'" \
    '<criteria name="x">' \
    '<check id="t6-dr-fast" name="n" metric="m" unit="s" sense="max" threshold="two" basis="dctwin" source="s"/>' \
    '</criteria>'
bad "not-simulated without criterion" "needs criterion=" \
    '<criteria name="x">' \
    '<check id="t1" status="not-simulated" name="n" metric="m" basis="dctwin" source="s"/>' \
    '</criteria>'
bad "twice" "is listed twice" \
    '<criteria name="x">' \
    '<check id="t6-dr-fast" name="n" metric="m" unit="s" sense="max" threshold="1" basis="dctwin" source="s"/>' \
    '<check id="t6-dr-fast" name="n" metric="m" unit="s" sense="max" threshold="1" basis="dctwin" source="s"/>' \
    '</criteria>'
bad "DOCTYPE" "DOCTYPE and ENTITY declarations are not allowed" \
    '<!DOCTYPE criteria [<!ENTITY x "y">]>' '<criteria name="x"/>'
bad "wrong root" "the root element of a criteria file must be <criteria>" \
    '<scenario name="x"/>'
bad "empty" "no <check> in the file" '<criteria name="x"></criteria>'

# ------------------------------------------------------------ usage errors
run bess-report "$site" --out "$tmp/e"
check "no --bess: exit 2 (got $rc)" [ "$rc" -eq 2 ]
run bess-report "$site" --bess nosuch --out "$tmp/e"
check "unknown battery: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "unknown battery: names the site's batteries" grep -q "its <bess> ids: bess-1" "$tmp/err"
run bess-report "$site" --bess bess-1 --format gif --out "$tmp/e"
check "bad --format: exit 2 (got $rc)" [ "$rc" -eq 2 ]
run bess-report "$site" --bess bess-1 --set bess-1.nosuch=1 --out "$tmp/e"
check "bad --set: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "nothing written on input errors" test ! -e "$tmp/e/report.json"

# --------------------------------------------------------------- seeds
cat >"$tmp/day.xml" <<'EOF'
<criteria name="day">
  <check id="t11-soc-max" name="n" metric="m" unit="%" sense="max"
         threshold="80" basis="dctwin" source="s"/>
</criteria>
EOF
for s in 1a 1b 2; do
    run bess-report "$site" --bess bess-1 --criteria "$tmp/day.xml" \
        --seed "${s%[ab]}" --out "$tmp/s$s" -q
done
check "same seed, same day profile" \
    cmp -s "$tmp/s1a/inputs/day-profile.csv" "$tmp/s1b/inputs/day-profile.csv"
check "same seed, same report checks" \
    test "$(grep '^  {"id":' "$tmp/s1a/report.json")" = \
    "$(grep '^  {"id":' "$tmp/s1b/report.json")"
check "same inputs and options, same document id" \
    test "$(json "$tmp/s1a/report.json" document_id)" = \
    "$(json "$tmp/s1b/report.json" document_id)"
check "another seed, another document id" \
    test "$(json "$tmp/s1a/report.json" document_id)" != \
    "$(json "$tmp/s2/report.json" document_id)"
check "another seed, another day profile" \
    sh -c "! cmp -s '$tmp/s1a/inputs/day-profile.csv' '$tmp/s2/inputs/day-profile.csv'"

# ------------------------------------------------------ without gnuplot
DCTWIN_GNUPLOT=/nonexistent/gnuplot run bess-report "$site" --bess bess-1 \
    --criteria "$tmp/one.xml" --out "$tmp/n" -q
check "without gnuplot the report still runs (exit $rc)" [ "$rc" -eq 1 ]
check "without gnuplot: a warning" grep -q "gnuplot not found" "$tmp/err"
check "without gnuplot: plot null, data kept" \
    test "$(field "$tmp/n/report.json" t6-dr-fast plot)" = null -a \
    -s "$tmp/n/evidence/dr-fast-grid.csv"
# the report replaces its directory whole, and refuses one holding
# something it does not write
run bess-report "$site" --bess bess-1 --criteria "$tmp/one.xml" --out "$tmp/c" -q
check "a second report into the same directory (exit $rc)" [ "$rc" -eq 1 ]
check "the new report replaced the old whole: no runs/ left" \
    test ! -e "$tmp/c/runs" -a -s "$tmp/c/report.html"
mkdir -p "$tmp/foreign" && echo mine >"$tmp/foreign/notes.txt"
run bess-report "$site" --bess bess-1 --criteria "$tmp/one.xml" --out "$tmp/foreign" -q
check "a directory with a foreign file is refused (exit $rc)" [ "$rc" -eq 5 ]
check "the foreign file is untouched" grep -q mine "$tmp/foreign/notes.txt"
check "the refusal says why" grep -q "holds 'notes.txt'" "$tmp/err"

finish
