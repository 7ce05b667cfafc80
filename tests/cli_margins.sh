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
# junction temperatures of the reference hall under synchronous training
# agree within 5 mK (NUMERICAL METHOD in dctwin-models(7)).
for t in def tight; do
    o=
    [ "$t" = tight ] && o="--rtol=1e-7 --atol=1e-6"
    # shellcheck disable=SC2086
    run simulate "$top_srcdir/sites/reference-hall.xml" --profile llm-training \
        --duration 10min --probe '*.T_j_degC' -q --out "$tmp/acc-$t" $o
    check "reference hall at $t tolerance exits 0 (got $rc)" [ "$rc" -eq 0 ]
done
d=$(awk -f "$top_srcdir/tests/maxdiff.awk" "$tmp/acc-def/timeseries.csv" \
    "$tmp/acc-tight/timeseries.csv" | cut -d' ' -f1)
check "mean-GPU junctions within 0.005 K of a 100x tighter run (got $d K)" \
    awk -v x="$d" 'BEGIN { exit !(x != "" && x <= 0.005) }'

finish
