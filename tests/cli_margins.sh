#!/bin/sh
# cli_margins.sh - error control of temperatures, and the margins of a
# run: percentages against the allowed range, design margins apart from
# what the run did, the text table (width, labels, rounding), the time to
# throttle after any event, and the cooling tower's low side.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_margins
. "${top_srcdir:-.}/tests/testlib.sh"

# ------------------------------------- temperature error control
# The default tolerances against a run 100x tighter: the mean-GPU
# junction temperatures of the reference hall under synchronous training,
# sampled every 50 ms (20 points a period, not only the edges the 1 s
# grid falls on), agree within 4 mK (NUMERICAL METHOD in
# dctwin-models(7); issue 13 asked for 5 mK).  Measured 3.8 mK with the
# junction block of the error norm and BDF order at most 3; 7.3 mK before
# (the junctions' RMS share of the norm), 36 mK with rtol |T|.
for t in def tight; do
    o=
    [ "$t" = tight ] && o="--rtol=1e-7 --atol=1e-6"
    # shellcheck disable=SC2086
    run simulate "$top_srcdir/sites/reference-hall.xml" --profile llm-training \
        --duration 10min --output-step 50ms --probe '*.T_j_degC' -q \
        --out "$tmp/acc-$t" $o
    check "reference hall at $t tolerance exits 0 (got $rc)" [ "$rc" -eq 0 ]
done
d=$(awk -f "$top_srcdir/tests/maxdiff.awk" "$tmp/acc-def/timeseries.csv" \
    "$tmp/acc-tight/timeseries.csv" | cut -d' ' -f1)
check "mean-GPU junctions within 4 mK of a 100x tighter run (got $d K)" \
    awk -v x="$d" 'BEGIN { exit !(x != "" && x <= 0.004) }'

# Field NAME of margin ID in the margins.csv of the run in DIR.
csvf() { # csvf DIR ID NAME
    awk -F, -v id="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        NR > 1 && $1 == id { print $k; exit }' "$1/margins.csv"
}
# Is |A - B| <= TOL?
near() {
    awk -v a="$1" -v b="$2" -v t="$3" \
        'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'
}
# The widest line of a table, in characters ("—" is one).
width() { sed 's/\xe2\x80\x94/-/g' "$1" | awk '{ n = length($0); if (n > m) m = n } END { print m + 0 }'; }

# ------------------------------------- margin % of the allowed range
# The DC bus band: 760 .. 840 V around 800 V; the band-low margin in %
# is of the 40 V between the edge and the nominal, not of 760 V.  The
# hot GPU's: of the 50 K between its 85 degC throttle and the CDUs'
# 35 degC supply setpoint.
run simulate "$top_srcdir/sites/reference-hall.xml" --duration 2min \
    --output-step 10s -q --out "$tmp/pct"
check "reference hall, 2 min, exits 0 (got $rc)" [ "$rc" -eq 0 ]
m=$(csvf "$tmp/pct" dc-1.V.band-low margin)
p=$(csvf "$tmp/pct" dc-1.V.band-low margin_pct)
check "band-low: $p % = 100 x $m V / 40 V" \
    near "$p" "$(awk -v m="$m" 'BEGIN { print 100 * m / 40 }')" 1e-3
check "band-low range 40 V" near "$(csvf "$tmp/pct" dc-1.V.band-low range)" 40 1e-9
check "band-high range 40 V" near "$(csvf "$tmp/pct" dc-1.V.band-high range)" 40 1e-9
m=$(csvf "$tmp/pct" A01.T_j_hot.throttle margin)
p=$(csvf "$tmp/pct" A01.T_j_hot.throttle margin_pct)
check "hot GPU: $p % = 100 x $m K / 50 K" \
    near "$p" "$(awk -v m="$m" 'BEGIN { print 100 * m / 50 }')" 1e-3
b=$(json "$tmp/pct/margins.json" binding | tr -d '"')
check "the bus band does not bind a lightly loaded hall (binding $b)" \
    sh -c "! echo '$b' | grep -q 'dc-1'"
# margins over time: the same percentage
mo=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "dc-bus.V.band-low_pct") k = i }
    END { print $k }' "$tmp/pct/margins-over-time.csv")
v=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "dc-1.V_V") k = i }
    END { print $k }' "$tmp/pct/timeseries.csv")
# (both CSVs print 6 significant digits: V to 0.0005 V, 100 x 0.0005 / 40
# = 1.25e-3 %, and the percentage to 5e-5 %)
check "margins over time: band-low $mo % = 100 ($v - 760) / 40" \
    near "$mo" "$(awk -v v="$v" 'BEGIN { print 100 * (v - 760) / 40 }')" 1.3e-3

# ------------------------------------- design margins apart from the run's
# Two CDUs of a group of four lost: the CDUs left carry the group beyond
# their rating and the GPUs throttle.  The binding margin is one the run
# violated on a CDU or a rack, not the hypothetical ride-through.
run margins "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/cdu-fail-2.xml" --duration 30min \
    --format json
check "cdu-fail-2 exits 1 (got $rc)" [ "$rc" -eq 1 ]
cp "$tmp/out" "$tmp/cf2.json"
b=$(json "$tmp/cf2.json" binding | tr -d '"')
check "cdu-fail-2: binding $b is a CDU or rack margin" \
    sh -c "echo '$b' | grep -Eq '^(cdu-|[A-H][0-9][0-9]\.)'"
check "cdu-fail-2: the binding margin $b was violated" \
    sh -c "tr '{' '\n' <'$tmp/cf2.json' | grep '\"id\":\"$b\"' | grep -q '\"margin\":-'"
check "cdu-fail-2: the ride-through is a design margin" \
    sh -c "tr '{' '\n' <'$tmp/cf2.json' | grep '\"id\":\"fws.ride_through' | grep -q '\"class\":\"design\"'"
check "cdu-fail-2: the binding design margin is named" \
    grep -q '"binding_design":"fws.ride_through.heat-rejection-loss"' "$tmp/cf2.json"
check "cdu-fail-2: the rectifiers' N-1 is a design margin" \
    sh -c "tr '{' '\n' <'$tmp/cf2.json' | grep '\"id\":\"sst.P.N-1\"' | grep -q '\"class\":\"design\"'"
check "cdu-fail-2: the rectifiers' N is a run margin" \
    sh -c "tr '{' '\n' <'$tmp/cf2.json' | grep '\"id\":\"sst.P.N\"' | grep -q '\"class\":\"run\"'"

# ------------------------------------- the text table
# At most 100 columns on every shipped site, labels first, the two
# classes apart, no solver noise, percentages capped.
for s in "$top_srcdir"/sites/*.xml; do
    n=${s##*/}
    run margins "$s" --duration 2min --output-step 10s
    cp "$tmp/out" "$tmp/t-$n"
    w=$(width "$tmp/t-$n")
    check "$n: margin table $w <= 100 columns" [ "$w" -le 100 ]
    check "$n: the table leads with labels" \
        grep -q '^GPU junction below the throttle ~* *[A-Za-z]' "$tmp/t-$n"
    check "$n: no solver noise (an exponent below 1e-9)" \
        sh -c "! grep -Eq '[0-9]e-([1-9][0-9]|0*[1-9][0-9])' '$tmp/t-$n'"
    check "$n: no percentage beyond 999" \
        sh -c "! grep -Eq ' [0-9]{4,}\.[0-9] ' '$tmp/t-$n'"
    check "$n: no row ends in a blank" sh -c "! grep -q ' \$' '$tmp/t-$n'"
done
t="$tmp/t-reference-hall.xml"
check "reference hall: run margins under their heading" \
    grep -q '^what the run did, binding first:$' "$t"
check "reference hall: design margins under their own heading" \
    grep -q '^design margins (hold under a hypothetical event' "$t"
check "reference hall: the ride-through row follows the design heading" \
    sh -c "sed -n '/^design margins/,\$p' '$t' | grep -q '^time the stored heat capacity'"
dash=$(printf '\342\200\224')
check "reference hall: a battery at rest prints a dash" \
    grep -q "^converter power within its short~ bess  *$dash " "$t"
check "reference hall: a time in violation column" grep -q ' violated ' "$t"
run margins "$top_srcdir/sites/reference-hall.xml" --duration 1min --wide
check "--wide: full labels" \
    grep -q 'time the stored heat capacity carries the IT heat to the GPUs' "$tmp/out"
check "--wide: the ids" grep -Eq '^[A-D]01.T_j_hot.throttle ' "$tmp/out"
w=$(width "$tmp/out")
check "--wide is wider than 100 columns ($w)" [ "$w" -gt 100 ]
check "--wide: no row ends in a blank" sh -c "! grep -q ' \$' '$tmp/out'"
# the table goes to stdout in-process: a stdout that cannot be written
# is an output failure (5), never a silent 0
if [ -w /dev/full ]; then
    for f in text csv; do
        rc=0
        "$DCTWIN" margins "$top_srcdir/sites/gb200-row.xml" --duration 10s \
            --format "$f" >/dev/full 2>"$tmp/err" || rc=$?
        check "margins --format $f to a full disk exits 5 (got $rc)" [ "$rc" -eq 5 ]
        check "margins to a full disk says so" grep -q 'write error' "$tmp/err"
    done
fi
run margins "$tmp/pct" --wide
check "margins RUNDIR --wide is a usage error (got $rc)" [ "$rc" -eq 2 ]
check "margins RUNDIR --wide points to margins.csv" grep -q 'margins.csv' "$tmp/err"
# the violated time of a kind: the CDU-fail run in hours, minutes or s
run margins "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/cdu-fail-2.xml" --duration 30min
check "cdu-fail-2 table: MARGIN VIOLATED on a CDU or rack" \
    grep -Eq '^MARGIN VIOLATED; binding: (cdu-|[A-H][0-9][0-9]\.)' "$tmp/out"
check "cdu-fail-2 table: the hot GPUs 28.8 min in violation, 36 of 72" \
    grep -Eq '^GPU junction below the throttle ~ [A-D]01 .* 2[0-9]\.[0-9] min  *36/72$' "$tmp/out"
check "cdu-fail-2 table: the violated design margin named" \
    grep -q '^design margin violated: fws.ride_through.heat-rejection-loss$' "$tmp/out"

# ------------------------------------- time to throttle after any event
# A heat wave has no failure: the time to throttle counts from its first
# event, the step of the dry bulb to 35 degC at 600 s.
run simulate "$top_srcdir/sites/gb200-row.xml" \
    --scenario "$top_srcdir/sites/scenarios/heat-wave.xml" --duration 25min \
    --output-step 1min -q --out "$tmp/hw"
check "heat wave, 25 min, exits 1 (got $rc)" [ "$rc" -eq 1 ]
tt=$(awk -F, '$2 == "A01" && $3 == "throttle" { print $1; exit }' "$tmp/hw/events.csv")
check "heat wave: time to throttle in the table, from the 600 s step" \
    grep -q "^time to throttle: $(awk -v t="$tt" 'BEGIN { printf "%.6g", t - 600 }') s (A01 at .* s, after ambient set-dry-bulb=35 degC at 600 s)\$" "$tmp/hw/margins.txt"
check "heat wave: time-to-throttle event" \
    grep -q "^$tt,A01,time-to-throttle:" "$tmp/hw/events.csv"
check "heat wave: run.json time_to_throttle_s" \
    near "$(json "$tmp/hw/run.json" time_to_throttle_s)" "$(awk -v t="$tt" 'BEGIN { printf "%.9g", t - 600 }')" 1e-4
check "heat wave: run.json names what it counts from" \
    grep -q '"trigger":"ambient set-dry-bulb=35 degC","t_trigger_s":600' "$tmp/hw/run.json"
check "heat wave: the set event records the new dry bulb" \
    grep -q '^600,ambient,set-dry-bulb=35 degC$' "$tmp/hw/events.csv"

finish
