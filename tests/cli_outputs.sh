#!/bin/sh
# cli_outputs.sh - `dctwin outputs SITE` lists exactly the columns and
# margins that a run of SITE produces, before running it.
#
# For two shipped sites (one with a what-if --set and a scenario) the
# columns of `outputs --format csv` must equal, in order, the header of
# timeseries.csv of a short simulate run with the same options, and its
# margin ids (with their limits) must equal those of margins.csv.  The
# text listing fits 100 columns.
test_name=cli_outputs
. "$top_srcdir/tests/testlib.sh"

same_as_run() { # LABEL SITE [OPTIONS...]
    label=$1
    site=$2
    shift 2
    run outputs "$site" --format csv "$@"
    check "$label: outputs exit 0 ($rc)" [ "$rc" -eq 0 ]
    awk -F, '$1 == "column" { print $2 }' "$tmp/out" >"$tmp/cols"
    awk -F, '$1 == "margin" { print $2 "," $7 }' "$tmp/out" | sort >"$tmp/mg"
    awk -F, '$1 == "margin" { print $2 "," $8 }' "$tmp/out" | sort >"$tmp/cl"
    awk -F, '$1 == "extremes" { print $2 }' "$tmp/out" >"$tmp/xcols"
    run simulate "$site" --duration 5s --out "$tmp/run" -q "$@"
    check "$label: simulate ran ($rc)" [ "$rc" -le 1 ]
    head -n 1 "$tmp/run/timeseries.csv" | tr ',' '\n' | tail -n +2 >"$tmp/ts"
    check "$label: columns are timeseries.csv's" cmp -s "$tmp/cols" "$tmp/ts"
    head -n 1 "$tmp/run/extremes.csv" | tr ',' '\n' | tail -n +2 >"$tmp/xs"
    check "$label: extremes are extremes.csv's ($(wc -l <"$tmp/xcols"))" \
        sh -c "test -s '$tmp/xcols' && cmp -s '$tmp/xcols' '$tmp/xs'"
    # margins.csv: id,...,limit in field 6
    awk -F, 'NR > 1 { print $1 "," $6 }' "$tmp/run/margins.csv" | sort >"$tmp/rm"
    check "$label: margins are margins.csv's" cmp -s "$tmp/mg" "$tmp/rm"
    # the class of each margin is margins.csv's (field 13 there)
    awk -F, 'NR > 1 { print $1 "," $13 }' "$tmp/run/margins.csv" | sort >"$tmp/rcl"
    check "$label: classes are margins.csv's" cmp -s "$tmp/cl" "$tmp/rcl"
    n=$(wc -l <"$tmp/cols")
    check "$label: some columns ($n)" [ "$n" -gt 10 ]
    rm -rf "$tmp/run"
}

same_as_run gb200-row "$top_srcdir/sites/gb200-row.xml"
same_as_run "reference hall, a CDU lost" "$top_srcdir/sites/reference-hall.xml" \
    --set cdu-ab2.supply-setpoint=33degC \
    --scenario "$top_srcdir/sites/scenarios/cdu-fail.xml"

for s in "$top_srcdir"/sites/*.xml; do
    run outputs "$s"
    w=$(awk '{ if (length > m) m = length } END { print m + 0 }' "$tmp/out")
    check "$(basename "$s"): text fits 100 columns ($w)" [ "$w" -le 100 ]
done

run outputs
check "no SITE: exit 2 ($rc)" [ "$rc" -eq 2 ]
run outputs "$top_srcdir/sites/gb200-row.xml" --format xml
check "--format xml: exit 2 ($rc)" [ "$rc" -eq 2 ]
run outputs "$top_srcdir/sites/gb200-row.xml" --set nosuch.x=1
check "--set nosuch.x: exit 3 ($rc)" [ "$rc" -eq 3 ]
run outputs "$tmp/missing.xml"
check "missing site: exit 3 ($rc)" [ "$rc" -eq 3 ]

finish
