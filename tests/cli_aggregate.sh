#!/bin/sh
# cli_aggregate.sh - exact aggregation of identical racks: a site simulated
# with identical racks sharing one set of states gives the same columns,
# events and margins as with every rack on its own (--no-aggregate), and
# the same values within the solver's error; a rack made different by
# --set keeps its own states.  Not timed.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_aggregate
. "${top_srcdir:-.}/tests/testlib.sh"

# Largest relative difference of two timeseries (same header and rows).
maxrel() {
    awk -f "$top_srcdir/tests/maxdiff.awk" "$1" "$2" | awk '{ print $3 }'
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b) }'; }

site=$top_srcdir/sites/gb200-row.xml
# ------------------------------------ tight tolerance: equal to 1e-5
for mode in agg exp; do
    f=
    [ "$mode" = exp ] && f=--no-aggregate
    run simulate "$site" --profile llm-training --duration 60s \
        --output-step 1s --rtol 1e-8 --atol 1e-7 -q --out "$tmp/$mode" $f
    check "gb200-row $mode exits 0 (got $rc): $(cat "$tmp/err")" [ "$rc" -eq 0 ]
done
g=$(json "$tmp/agg/run.json" n_rack_groups)
check "8 identical racks are one group (n_rack_groups $g)" [ "$g" = 1 ]
g=$(json "$tmp/exp/run.json" n_rack_groups)
check "--no-aggregate keeps 8 racks (n_rack_groups $g)" [ "$g" = 8 ]
na=$(json "$tmp/agg/run.json" n_states)
ne=$(json "$tmp/exp/run.json" n_states)
check "aggregation drops 7 racks' states ($na vs $ne)" \
    [ "$na" -lt "$ne" -a "$(((ne - na) % 7))" -eq 0 ]
head -n 1 "$tmp/agg/timeseries.csv" >"$tmp/h1"
head -n 1 "$tmp/exp/timeseries.csv" >"$tmp/h2"
check "same columns in the same order" cmp -s "$tmp/h1" "$tmp/h2"
check "every rack has its columns (A08.T_j_hot_degC)" \
    grep -q 'A08\.T_j_hot_degC' "$tmp/h1"
r=$(maxrel "$tmp/agg/timeseries.csv" "$tmp/exp/timeseries.csv")
check "aggregated = expanded at rtol 1e-8: max relative difference $r <= 1e-5" \
    le "$r" 1e-5
cut -d, -f1 "$tmp/agg/margins.csv" | sort >"$tmp/m1"
cut -d, -f1 "$tmp/exp/margins.csv" | sort >"$tmp/m2"
check "same margin ids (each member rack named)" cmp -s "$tmp/m1" "$tmp/m2"
check "margins name member A05" grep -q '^A05\.T_j_hot\.throttle$' "$tmp/m1"
sort "$tmp/agg/events.csv" >"$tmp/e1"
sort "$tmp/exp/events.csv" >"$tmp/e2"
check "same events" cmp -s "$tmp/e1" "$tmp/e2"
for mode in agg exp; do
    c=$(json "$tmp/$mode/run.json" energy_closure_rel)
    check "$mode energy closure $c <= 1e-6" le "$c" 1e-6
done
ia=$(json "$tmp/agg/run.json" it_J)
ie=$(json "$tmp/exp/run.json" it_J)
check "IT energy counts every member ($ia J vs $ie J)" \
    awk -v a="$ia" -v b="$ie" 'BEGIN { d = a - b; if (d < 0) d = -d;
        exit !(a > 0 && d <= 1e-6 * b) }'

# ------------------------------- default tolerance: within its error
for mode in agg exp; do
    f=
    [ "$mode" = exp ] && f=--no-aggregate
    run simulate "$site" --profile llm-training --duration 60s \
        --output-step 1s -q --out "$tmp/d$mode" $f
    check "gb200-row $mode (default tolerance) exits 0" [ "$rc" -eq 0 ]
done
r=$(maxrel "$tmp/dagg/timeseries.csv" "$tmp/dexp/timeseries.csv")
check "aggregated = expanded at rtol 1e-5: max relative difference $r <= 5e-3" \
    le "$r" 5e-3

# ------------- identical CDUs too: the reference hall, 6 CDUs in 2 groups
for mode in agg exp; do
    f=
    [ "$mode" = exp ] && f=--no-aggregate
    run simulate "$top_srcdir/sites/reference-hall.xml" --profile llm-training \
        --duration 20s --output-step 1s --rtol 1e-8 --atol 1e-7 -q \
        --out "$tmp/h$mode" $f
    check "reference-hall $mode exits 0 (got $rc)" [ "$rc" -eq 0 ]
done
na=$(json "$tmp/hagg/run.json" n_states)
ne=$(json "$tmp/hexp/run.json" n_states)
# 72 racks in 4 rows (each its own busways) -> 4; 3 CDUs a group -> the first
# (it carries the group margin) and one for the other two; a GB200 rack
# has 6 states (4 GPU, 1 liquid segment, the trip latch)
check "reference-hall: 68 racks' and 2 CDUs' states shared ($na vs $ne)" \
    [ "$((ne - na))" -eq $((68 * 6 + 2 * 6)) ]
r=$(maxrel "$tmp/hagg/timeseries.csv" "$tmp/hexp/timeseries.csv")
check "reference-hall aggregated = expanded: max relative difference $r <= 1e-5" \
    le "$r" 1e-5
cut -d, -f1 "$tmp/hagg/margins.csv" | sort >"$tmp/m1"
cut -d, -f1 "$tmp/hexp/margins.csv" | sort >"$tmp/m2"
check "reference-hall: same margin ids" cmp -s "$tmp/m1" "$tmp/m2"
check "reference-hall: the group margin on cdu-ab1" \
    grep -q '^cdu-ab1\.cdus_running\.group$' "$tmp/m1"

# ------------------- the hot day: every member's own violation events
for mode in agg exp; do
    f=
    [ "$mode" = exp ] && f=--no-aggregate
    run simulate "$top_srcdir/sites/gb200-row-hot.xml" --duration 10min \
        --output-step 60s -q --out "$tmp/t$mode" $f
    check "gb200-row-hot $mode exits 1, a margin violated (got $rc)" \
        [ "$rc" -eq 1 ]
done
cut -d, -f2,3 "$tmp/tagg/events.csv" | sort >"$tmp/e1"
cut -d, -f2,3 "$tmp/texp/events.csv" | sort >"$tmp/e2"
check "hot day: the same events aggregated and expanded" cmp -s "$tmp/e1" "$tmp/e2"
check "hot day: A05 has its own margin-violated event" \
    grep -q '^A05,margin-violated:A05\.T_j_hot\.throttle$' "$tmp/e1"
m1=$(grep '^A05\.T_j_hot\.throttle,' "$tmp/tagg/margins.csv" | cut -d, -f8)
m2=$(grep '^A05\.T_j_hot\.throttle,' "$tmp/texp/margins.csv" | cut -d, -f8)
check "hot day: A05 throttle margin $m1 = $m2 (1e-4 K)" \
    awk -v a="$m1" -v b="$m2" 'BEGIN { d = a - b; if (d < 0) d = -d;
        exit !(a != "" && a < 0 && d <= 1e-4) }'

# --------------------------- a rack made different keeps its own states
run simulate "$site" --duration 10s --set A03.p-max=120kW -q --out "$tmp/set"
check "--set on one rack exits 0 (got $rc)" [ "$rc" -eq 0 ]
g=$(json "$tmp/set/run.json" n_rack_groups)
check "A03 changed by --set is a group of its own (n_rack_groups $g = 2)" \
    [ "$g" = 2 ]
p3=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "A03.P_kW") k = i }
    END { print $k }' "$tmp/set/timeseries.csv")
p1=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "A01.P_kW") k = i }
    END { print $k }' "$tmp/set/timeseries.csv")
check "A03 draws its own power ($p3 kW) and A01 the model's ($p1 kW)" \
    awk -v a="$p3" -v b="$p1" 'BEGIN { exit !(a <= 120.001 && b > a) }'

echo "cli_aggregate: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
