#!/bin/sh
# cli_events.sh - events.csv of a grid loss on the reference hall: the
# busways' ampacity events do not flap, their times agree with the
# margins, and the summary of the toggling events (margins.txt, run.json)
# matches events.csv.
#
# The utility is lost at 30 s: the battery carries the bus, and each of
# the 8 busways runs above its ampacity until the grid returns (330 s).
# Each busway crosses its ampacity once up and once down: one
# ampacity-exceeded, then one ampacity-restored, at the times at which
# its margin bw-*.I.ampacity went below zero (t_violation_s) and stayed
# there (violated_s).  Environment (set by make check): DCTWIN,
# top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_events
. "${top_srcdir:-.}/tests/testlib.sh"

run simulate "$top_srcdir/sites/reference-hall.xml" -q --duration 10min \
    --scenario "$top_srcdir/sites/scenarios/grid-loss.xml" --out "$tmp/gl"
check "grid loss on the reference hall runs (exit $rc)" test "$rc" -le 1
ev="$tmp/gl/events.csv"
mg="$tmp/gl/margins.csv"

# --- ampacity: one crossing up and one down per busway ----------------------
for bw in $(awk -F, '$3 == "ampacity-exceeded" { print $2 }' "$ev" | sort -u); do
    seq=$(awk -F, -v b="$bw" '$2 == b && $3 ~ /^ampacity-/ { printf "%s ", $3 }' "$ev")
    check "$bw: exceeded once, restored once, in order ($seq)" \
        test "$seq" = "ampacity-exceeded ampacity-restored "
    t_up=$(awk -F, -v b="$bw" '$2 == b && $3 == "ampacity-exceeded" { print $1 }' "$ev")
    t_dn=$(awk -F, -v b="$bw" '$2 == b && $3 == "ampacity-restored" { print $1 }' "$ev")
    # margins.csv: t_violation_s in field 11, violated_s in 12
    t_v=$(awk -F, -v id="$bw.I.ampacity" '$1 == id { print $11 }' "$mg")
    d_v=$(awk -F, -v id="$bw.I.ampacity" '$1 == id { print $12 }' "$mg")
    check "$bw: exceeded at the margin's first violation ($t_up s, $t_v s)" \
        awk -v a="$t_up" -v b="$t_v" 'BEGIN { d = a - b; exit !(b != "" && d < 1e-6 && d > -1e-6) }'
    check "$bw: above its ampacity as long as the margin was violated ($t_up..$t_dn s, $d_v s)" \
        awk -v a="$t_up" -v b="$t_dn" -v v="$d_v" 'BEGIN { d = b - a - v; exit !(v != "" && d < 1e-3 && d > -1e-3) }'
done
n=$(awk -F, '$3 == "ampacity-exceeded"' "$ev" | wc -l)
check "8 busways exceeded their ampacity ($n)" test "$n" = 8

finish
