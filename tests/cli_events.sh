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
# there (violated_s).  The hall's busways are rated 4,000 A (either of a
# row's pair carries the row); here they are given the 1,500 A of the
# NVIDIA reference block's busways, which a grid loss overloads.
# Environment (set by make check): DCTWIN,
# top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_events
. "${top_srcdir:-.}/tests/testlib.sh"

bw1500=
for b in a1 a2 b1 b2 c1 c2 d1 d2; do bw1500="$bw1500 --set bw-$b.ampacity=1500A"; done
# shellcheck disable=SC2086
run simulate "$top_srcdir/sites/reference-hall.xml" -q --duration 10min \
    --scenario "$top_srcdir/sites/scenarios/grid-loss.xml" $bw1500 --out "$tmp/gl"
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

# --- the summary: run.json's "events" and the line of margins.txt ---------
# each kind (the event up to ':' or '=') with the count of its rows
sed -n '/"events":\[/,/\]/p' "$tmp/gl/run.json" |
    sed -n 's/.*{"event":"\([^"]*\)","count":\([0-9]*\),"components":\([0-9]*\).*/\1 \2 \3/p' \
    | sort >"$tmp/sum"
awk -F, 'NR > 1 { k = $3; sub(/[:=].*/, "", k); n[k]++
                  if (!((k, $2) in seen)) { seen[k, $2] = 1; c[k]++ } }
         END { for (k in n) print k, n[k], c[k] }' "$ev" | sort >"$tmp/cnt"
check "run.json's event counts are events.csv's ($(wc -l <"$tmp/sum") kinds)" \
    sh -c "test -s '$tmp/sum' && cmp -s '$tmp/sum' '$tmp/cnt'"
# the time the ampacity flag was set, over the 8 busways: the time their
# margins were violated
set_s=$(sed -n 's/.*{"event":"ampacity-exceeded",[^}]*"set_s":\([^}]*\)}.*/\1/p' "$tmp/gl/run.json")
viol=$(awk -F, '$1 ~ /^bw-.*\.I\.ampacity$/ { s += $12 } END { printf "%.9g", s }' "$mg")
check "ampacity-exceeded set $set_s s in all, as long as the margins ($viol s)" \
    awk -v a="$set_s" -v b="$viol" 'BEGIN { d = a - b; exit !(a != "" && d < 1e-2 && d > -1e-2) }'
check "margins.txt: the events line" \
    grep -q "^events: 1 grid-loss, 1 aux-supply-lost, 8 ampacity-exceeded (8 components, set $(awk -v x="$set_s" 'BEGIN { printf "%.4g", x }') s in all)," "$tmp/gl/margins.txt"
# (the dash of a quantity that never moved is one column, 3 bytes)
w=$(sed 's/\xe2\x80\x94/-/g' "$tmp/gl/margins.txt" |
    awk '{ if (length > m) m = length } END { print m + 0 }')
check "margins.txt: still at most 100 columns ($w)" test "$w" -le 100

finish
