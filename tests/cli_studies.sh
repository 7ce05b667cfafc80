#!/bin/sh
# cli_studies.sh - dctwin contingency, sweep and compare: the enumeration
# of failable units against a count by hand, N-1 and N-2 of the reference
# hall, a sweep that moves the junction margin, identical tables whatever
# runs the cases (-j 1, -j 2, mpirun), --resume after a kill, compare of a
# run with itself, and every bad input.
test_name=cli_studies
. "${top_srcdir:-.}/tests/testlib.sh"
S=$top_srcdir/sites

# --- enumeration, counted by hand -----------------------------------------
# gb200-row: utility 1 + sst 2 units + busway bw-a 1 + dry 3 units + dry
# fans of 3 units + facility loop fws 1 pump (its only one) + cdu-1 1 +
# its 2 pumps + hall 3 CRAH units = 17 single failures; each component is
# unlike the others, so 9 cases (grid, sst unit, bw-a, dry unit, dry fans,
# fws pump, cdu-1, cdu-1 pump, CRAH unit).
run contingency "$S/gb200-row.xml" --duration 20s --at 10s -q \
    --out "$tmp/gb" --format csv
check "gb200-row N-1 runs (exit $rc)" test "$rc" -le 1
check "gb200-row: 9 cases" test "$(($(wc -l <"$tmp/out") - 1))" -eq 9
check "gb200-row: 17 single failures" \
    grep -q "9 cases for 17 single failures" "$tmp/gb/table.txt"
# multiplicities add up to the single failures
check "gb200-row: multiplicities sum to 17" test "$(awk -F, \
    'NR > 1 { s += $4 } END { print s }' "$tmp/out")" -eq 17
# reference-hall: utility 1 + sst 5 units + 8 busways + bess 1 + gen 3
# sets + dry 17 units + fans of 17 units + fws 4 pumps + 6 CDUs + 12 CDU
# pumps + 4 CRAH units = 78.  Identical: the two busways of each row
# (bw-a1 and bw-a2 feed row A alike), the three CDUs of each group and
# their pumps: cases grid 1 + sst 1 + busways 4 + bess 1 + gen 1 + dry 1 +
# fans 1 + fws pump 1 + CDUs 2 + pumps 2 + CRAH 1 = 16.
run contingency "$S/reference-hall.xml" --duration 3min -q -j 2 \
    --out "$tmp/n1" --format csv
cp "$tmp/out" "$tmp/n1.csv"
check "reference-hall: 16 cases for 78 single failures" \
    grep -q "16 cases for 78 single failures" "$tmp/n1/table.txt"
check "reference-hall: multiplicities sum to 78" test "$(awk -F, \
    'NR > 1 { s += $4 } END { print s }' "$tmp/n1.csv")" -eq 78
# the acceptance: the hall is N-1 (Tier III, [UPTIME-TIER-2018]) - every
# single failure of 10 min holds: a row's busways are 4,000 A, either
# carries the row (~3,000 A); the loop's pumps are 4 x 1/3 (N+1); the
# dry-cooler fans ride the grid loss on the UPS
run contingency "$S/reference-hall.xml" --duration 10min -q -j 2 \
    --out "$tmp/n1p"
check "reference-hall N-1 holds (exit $rc)" test "$rc" -eq 0
check "reference-hall N-1: 16 cases, 0 violate" \
    grep -q "^16 cases: 0 violate a margin, 0 failed to run" "$tmp/out"
check "reference-hall N-1 at 3 min also holds (exit 0)" \
    sh -c "! awk -F, 'NR > 1 && \$5 != 0' '$tmp/n1.csv' | grep -q ."
# ranked worst first: margin % never falls down the table among the runs
check "ranked worst first" awk -F, 'NR > 2 && $5 == p5 && $10 != "" &&
    p10 != "" && $10 + 0 < p10 + 0 { bad = 1 } { p5 = $5; p10 = $10 }
    END { exit bad }' "$tmp/n1.csv"

# a busway lost, the other of its row carries the whole row: 18 x 132 kW
# at ~795 V is ~2,990 A, within the 4,000 A busway (models/power.xml)
cat >"$tmp/bw.xml" <<'EOF'
<scenario name="bw"><event t="10 s" fail="bw-a1"/></scenario>
EOF
run simulate "$S/reference-hall.xml" --scenario "$tmp/bw.xml" --duration 1min \
    -q --out "$tmp/bw"
check "bw-a1 lost: exit 0 (got $rc)" test "$rc" -eq 0
bw2=$(awk -F, '$1 == "bw-a2.I.ampacity" { print $7 }' "$tmp/bw/margins.csv")
check "bw-a1 lost: bw-a2 carries the row, 2,950..3,050 A ($bw2 A)" \
    awk -v i="$bw2" 'BEGIN { exit !(i > 2950 && i < 3050) }'

# --- the facility loop's pumps, failable one by one -----------------------
# four pumps N+1 (three needed): one lost, the valves pass 2/3 of their
# flow until the standby starts (failover 5 s), then the flow returns
run simulate "$S/reference-hall.xml" --duration 90s --output-step 1s -q \
    --scenario "$S/scenarios/facility-pump-failure.xml" --probe 'fws.*' \
    --out "$tmp/fp"
check "one facility pump lost: exit 0 (got $rc)" test "$rc" -eq 0
check "one facility pump lost: 3 pumps in service, margin 0" \
    grep -q '^fws.pumps_available.redundancy,fws,pumps_available,,lower,3,3,0,' \
    "$tmp/fp/margins.csv"
# flow at 61 s over 60 s: 2/3, the valves (stroke 120 s) opening at most
# ~4 % in that second
check "one facility pump lost: 2/3 of the flow during failover" \
    awk -F, '$1 == 60 { f0 = $4 } $1 == 61 { f1 = $4 }
        END { r = f1 / f0; exit !(r > 0.666 && r < 0.70) }' \
        "$tmp/fp/timeseries.csv"
check "one facility pump lost: the flow back after failover" \
    awk -F, '$1 == 60 { f0 = $4 } $1 == 66 { f1 = $4 }
        END { exit !(f1 >= f0) }' "$tmp/fp/timeseries.csv"
cat >"$tmp/fp2.xml" <<'EOF'
<scenario name="fp2"><event t="10 s" fail="fws" units="2"/></scenario>
EOF
run simulate "$S/reference-hall.xml" --duration 1min -q \
    --scenario "$tmp/fp2.xml" --out "$tmp/fp2"
check "two facility pumps lost: exit 1 (got $rc)" test "$rc" -eq 1
check "two facility pumps lost: the pump margin violated" \
    grep -q '^fws.pumps_available.redundancy,fws,pumps_available,,lower,3,2,-1,' \
    "$tmp/fp2/margins.csv"
# a loop without spares has no pump margin (gb200-row: one pump)
run outputs "$S/gb200-row.xml"
check "one pump, no spare: no pump margin" \
    sh -c "! grep -q 'fws.pumps_available' '$tmp/out'"
sed -e 's/pumps="4" redundancy="N+1"/pumps="1" redundancy="N+1"/' \
    -e "s|href=\"\.\./|href=\"$(cd "$top_srcdir" && pwd)/|" \
    "$S/reference-hall.xml" \
    >"$tmp/p1.xml"
run validate "$tmp/p1.xml"
check "pumps=1 with N+1: exit 3 (got $rc)" test "$rc" -eq 3
check "pumps=1 with N+1: says so" \
    grep -q "facility-loop fws: pump redundancy N+1 needs more than 1 pump" \
    "$tmp/err"

# without -q: the count before the runs; no progress when stderr is not
# a terminal
run contingency "$S/gb200-row.xml" --duration 20s --at 10s --out "$tmp/gbv"
check "the case count is said first" \
    grep -q "^dctwin: contingency: 9 cases (17 single failures, depth 1)" \
    "$tmp/err"
check "no progress off a terminal" sh -c "! grep -q 'cases done' '$tmp/err'"
if command -v script >/dev/null 2>&1; then
    script -qec "'$DCTWIN' contingency '$S/gb200-row.xml' --duration 20s \
        --at 10s --out '$tmp/gbt' -j 1" /dev/null >"$tmp/tty" 2>&1 || :
    check "progress on a terminal: done of total, failures" \
        grep -q "9 of 9 cases done, 0 failed" "$tmp/tty"
    script -qec "'$DCTWIN' contingency '$S/gb200-row.xml' --duration 20s \
        --at 10s --out '$tmp/gbq' -j 1 -q" /dev/null >"$tmp/ttyq" 2>&1 || :
    check "no progress with -q" sh -c "! grep -q 'cases done' '$tmp/ttyq'"
fi

# validate's summary reads the same declaration
run validate "$S/reference-hall.xml" "$S/gb200-row.xml"
check "validate: 78 single failures of the hall" \
    grep -q "single failures    78 (16 cases" "$tmp/out"
check "validate: the hall's facility pumps, 4 installed, 3 needed" \
    grep -q "^    pumps of fws  *4  *3  N+1$" "$tmp/out"
check "validate: 17 single failures of the row" \
    grep -q "single failures    17 (9 cases" "$tmp/out"

# --- N-2: the two-CDU pair violates, with its time to throttle ------------
run contingency "$S/reference-hall.xml" --depth 2 --only cdu --duration 2min \
    -q --out "$tmp/n2" --format csv
check "N-2 of the CDUs: exit 1 (got $rc)" test "$rc" -eq 1
# 6 CDUs + 12 pumps = 18 single failures: C(18,2) = 153 pairs less the 12
# of a CDU with its own pump = 141, in 12 cases
check "N-2: 12 cases" test "$(($(wc -l <"$tmp/out") - 1))" -eq 12
check "N-2: multiplicities sum to 141" test "$(awk -F, \
    'NR > 1 { s += $4 } END { print s }' "$tmp/out")" -eq 141
pair=$(grep '"cdu-ab1 (CDU) + cdu-ab2 (CDU)"\|,cdu-ab1 (CDU) + cdu-ab2 (CDU),' \
    "$tmp/out" || true)
check "N-2: the two-CDU pair is a row" test -n "$pair"
check "N-2: the pair violates (exit 1)" \
    test "$(echo "$pair" | cut -d, -f5)" = 1
# the same as sites/scenarios/cdu-fail-2.xml: GPUs throttle ~9.5 s after
ttt=$(echo "$pair" | cut -d, -f11)
check "N-2: the pair's time to throttle ($ttt s) in 5..15 s" \
    awk -v t="$ttt" 'BEGIN { exit !(t > 5 && t < 15) }'
# (the studies' runs are quasi-static by default, simulate's dynamic)
run simulate "$S/reference-hall.xml" --duration 2min -q --out "$tmp/r2" \
    --scenario "$S/scenarios/cdu-fail-2.xml" --electrical=quasi-static
sim_ttt=$(json "$tmp/r2/run.json" time_to_throttle_s)
check "N-2 pair = simulate of cdu-fail-2.xml ($ttt s, $sim_ttt s)" \
    awk -v a="$ttt" -v b="$sim_ttt" 'BEGIN { d = a - b; if (d < 0) d = -d;
        exit !(d < 1e-6 * b) }'

# --- the same table whatever runs the cases --------------------------------
run contingency "$S/reference-hall.xml" --duration 3min -q -j 1 \
    --out "$tmp/j1" --format csv
check "-j 1 and -j 2 give the same table" cmp -s "$tmp/out" "$tmp/n1.csv"
check "-j 1 and -j 2: the same table.txt" \
    cmp -s "$tmp/j1/table.txt" "$tmp/n1/table.txt"

# --- --resume after a kill --------------------------------------------------
"$DCTWIN" contingency "$S/reference-hall.xml" --duration 3min -q -j 1 \
    --out "$tmp/rs" --format csv >/dev/null 2>&1 &
pid=$!
n=0
while [ "$n" -lt 400 ]; do
    l=$(wc -l <"$tmp/rs/journal.tsv" 2>/dev/null || echo 0)
    [ "$l" -ge 4 ] && break
    sleep 0.05
    n=$((n + 1))
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
sleep 0.3
done1=$(($(wc -l <"$tmp/rs/journal.tsv") - 1))
check "killed study: some but not all cases done ($done1)" \
    test "$done1" -ge 3 -a "$done1" -lt 16
head -n "$((done1 + 1))" "$tmp/rs/journal.tsv" | tail -n +2 >"$tmp/before"
run contingency "$S/reference-hall.xml" --duration 3min -q -j 2 \
    --out "$tmp/rs" --format csv --resume
check "--resume completes the table" cmp -s "$tmp/out" "$tmp/n1.csv"
check "--resume: each case once in the journal" test \
    "$(tail -n +2 "$tmp/rs/journal.tsv" | cut -f1 | sort -u | wc -l)" -eq 16
check "--resume: 16 lines" test "$(($(wc -l <"$tmp/rs/journal.tsv") - 1))" \
    -eq 16
# the finished cases were not run again: their lines (wall time included)
# are the ones of the killed study
check "--resume kept the finished cases' lines" \
    cmp -s "$tmp/before" "$(head -n "$((done1 + 1))" "$tmp/rs/journal.tsv" |
        tail -n +2 >"$tmp/after"; echo "$tmp/after")"
# without --resume, the study starts over
run contingency "$S/gb200-row.xml" --duration 20s --at 10s -q --out "$tmp/gb"
check "a new study rewrites the journal" \
    test "$(($(wc -l <"$tmp/gb/journal.tsv") - 1))" -eq 9

# a journal of another study (other options) is not resumed
run contingency "$S/gb200-row.xml" --duration 30s --at 10s -q --out "$tmp/gb" \
    --resume
check "--resume of another study's journal: every case runs" \
    test "$(($(wc -l <"$tmp/gb/journal.tsv") - 1))" -eq 9
check "--resume of another study's journal: silent with -q" \
    sh -c "! grep -q 'another study' '$tmp/err'"

# a case that cannot run is a row with its error, not the end of the study:
# a primary flow of 0.1 kg/s cannot carry the CDU's rating (the model's
# check), 30 kg/s can
run sweep "$S/gb200-row.xml" --vary cdu-1.flow-primary=0.1,30kg/s \
    --duration 20s -q --out "$tmp/swe" --format csv
check "a case that fails: the study exits 4 (got $rc)" test "$rc" -eq 4
check "a case that fails: its row has exit 3 and the error" \
    grep -q '^1,0.1,3,.*effectiveness' "$tmp/out"
check "a case that fails: the other case ran" grep -q '^2,30,0,' "$tmp/out"

# --- MPI ---------------------------------------------------------------------
if command -v mpirun >/dev/null 2>&1 && "$DCTWIN" --version >/dev/null &&
    ldd "$DCTWIN" 2>/dev/null | grep -q libmpi; then
    set +e
    ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe \
        -np 3 "$DCTWIN" contingency "$S/reference-hall.xml" \
        --duration 3min -q --out "$tmp/mpi" --format csv \
        >"$tmp/mpi.csv" 2>"$tmp/mpi.err"
    set -e
    check "mpirun -np 3 gives the table of -j 1" \
        cmp -s "$tmp/mpi.csv" "$tmp/n1.csv"
    check "mpirun -np 3: 16 journal lines" \
        test "$(($(wc -l <"$tmp/mpi/journal.tsv") - 1))" -eq 16
    has_mpi=1
else
    echo "SKIP: mpirun or an MPI build absent"
    has_mpi=0
fi

# --- sweep -------------------------------------------------------------------
run sweep "$S/gb200-row.xml" --vary cdu-1.supply-setpoint=30..40degC/2K \
    --vary ambient.dry-bulb=25,35degC --duration 2min -q --out "$tmp/sw" \
    --format csv
check "sweep runs (exit $rc)" test "$rc" -le 1
check "sweep: 12 rows" test "$(($(wc -l <"$tmp/out") - 1))" -eq 12
# at 25 degC ambient, a warmer CDU supply never raises the GPUs' margin
# to throttle, and 40 degC leaves less than 30 degC
col=$(head -n 1 "$tmp/out" | tr ',' '\n' | grep -n '^T_j_hot.throttle_pct$' |
    cut -d: -f1)
check "sweep: a junction margin column" test -n "$col"
# the table gives the margin in percent of its allowed range, which for
# the junction runs from the CDU supply setpoint to t-soft (85 degC on
# the GB200; MARGINS in dctwin-models(7)): back to kelvin,
# margin = pct / 100 (85 - setpoint)
awk -F, -v c="$col" 'NR > 1 && $3 == 25 { print $2, $c / 100 * (85 - $2) }' \
    "$tmp/out" >"$tmp/tj"
check "sweep: 6 setpoints at 25 degC" test "$(wc -l <"$tmp/tj")" -eq 6
check "sweep: junction margin falls monotonically with the setpoint" \
    awk 'NR > 1 && ($1 <= p1 || $2 > p2 + 1e-3) { bad = 1 }
         { p1 = $1; p2 = $2 } END { exit bad }' "$tmp/tj"
check "sweep: 40 degC leaves less junction margin than 30 degC" \
    awk 'NR == 1 { a = $2 } END { exit !($2 < a - 1) }' "$tmp/tj"
check "sweep: the text table names the sensitivity" \
    grep -q "^sensitivity (Spearman" "$tmp/sw/table.txt"
# Latin hypercube: N samples, each in its range, reproducible by seed
run sweep "$S/gb200-row.xml" --vary cdu-1.supply-setpoint=30..40degC/2K \
    --samples 5 --seed 7 --duration 30s -q --out "$tmp/lhs" --format csv
check "LHS: 5 rows" test "$(($(wc -l <"$tmp/out") - 1))" -eq 5
check "LHS: in [30, 40] degC, one per fifth" awk -F, 'NR > 1 {
    if ($2 < 30 || $2 > 40) bad = 1; k = int(($2 - 30) / 2); if (k > 4) k = 4
    if (seen[k]++) bad = 1 } END { exit bad }' "$tmp/out"
cp "$tmp/out" "$tmp/lhs1"
run sweep "$S/gb200-row.xml" --vary cdu-1.supply-setpoint=30..40degC/2K \
    --samples 5 --seed 7 --duration 30s -q --out "$tmp/lhs2" --format csv
check "LHS: the same seed, the same samples" cmp -s "$tmp/out" "$tmp/lhs1"

# --- compare -----------------------------------------------------------------
run simulate "$S/gb200-row.xml" --duration 1min -q --out "$tmp/cA"
run simulate "$S/gb200-row.xml" --duration 1min -q --out "$tmp/cB" \
    --set cdu-1.supply-setpoint=38degC
run compare "$tmp/cA" "$tmp/cA" --no-plot
check "compare of a run with itself: exit 0" test "$rc" -eq 0
check "compare of a run with itself: no margin differs" \
    grep -q "^margins: 0 of [0-9]* differ" "$tmp/out"
check "compare of a run with itself: no ledger line differs" \
    grep -q "^energy ledger \[MJ\]: 0 of [0-9]* differ" "$tmp/out"
run compare "$tmp/cA" "$tmp/cA" --no-plot --format csv
check "compare csv of a run with itself: every difference 0" awk -F, \
    'NR > 1 && $NF != "" && $NF + 0 != 0 { bad = 1 } END { exit bad }' \
    "$tmp/out"
run compare "$tmp/cA" "$tmp/cB" --out "$tmp/cmp"
check "compare of two setpoints: exit 0" test "$rc" -eq 0
# 3 K warmer supply: 3 K less margin to throttle on every GPU
check "compare: the junction margin 3 K less" \
    grep -q '^A01.T_j_hot.throttle .* -3$' "$tmp/out"
if command -v gnuplot >/dev/null 2>&1; then
    check "compare: overlay plot of the junction" \
        test -s "$tmp/cmp/A01.T_j_hot_degC.png"
fi

# --- bad input -----------------------------------------------------------
run sweep "$S/gb200-row.xml" --vary cdu-9.supply-setpoint=30,40degC -q \
    --out "$tmp/bad1"
check "unknown --vary target: exit 3" test "$rc" -eq 3
check "unknown --vary target: named" grep -q "'cdu-9.supply-setpoint=30,40degC'.*no component" "$tmp/err"
check "unknown --vary target: no case ran" test ! -e "$tmp/bad1"
run sweep "$S/gb200-row.xml" --vary cdu-1.supply-setpoint=30..40kW/2kW -q \
    --out "$tmp/bad2"
check "--vary of the wrong dimension: exit 3" test "$rc" -eq 3
check "--vary of the wrong dimension: says so" grep -q "wrong dimension" "$tmp/err"
check "--vary of the wrong dimension: no case ran" test ! -e "$tmp/bad2"
run sweep "$S/gb200-row.xml" --vary cdu-1.no-such=1,2 -q
check "--vary of an unknown parameter: exit 3" test "$rc" -eq 3
run sweep "$S/gb200-row.xml" --vary cdu-1.supply-setpoint=30..90degC/10K -q
check "--vary out of range: exit 3 naming the value" \
    grep -q "the value 70 degC is refused" "$tmp/err"
run sweep "$S/gb200-row.xml" --vary cdu-1.supply-setpoint=30..40degC -q
check "--vary range without a step: exit 3" test "$rc" -eq 3
run sweep "$S/gb200-row.xml" -q
check "sweep with nothing to vary: exit 2" test "$rc" -eq 2
run contingency "$S/gb200-row.xml" --only generator -q
check "empty enumeration: exit 2" test "$rc" -eq 2
check "empty enumeration: says so" grep -q "nothing to fail" "$tmp/err"
run contingency "$S/gb200-row.xml" --only rack -q
check "--only of no failable type: exit 2" test "$rc" -eq 2
run contingency "$S/reference-hall.xml" --depth 2 --max-cases 50 -q
check "--depth 2 over --max-cases: exit 2" test "$rc" -eq 2
# the 16 classes of the N-1 cases: two units of one component (sst, gen,
# dry units, dry fans, fws pumps, 2 CDU pump classes, CRAH) 8 + a dry
# unit and the fans of another 1 + two members of one class (4 busway
# pairs, 2 CDU pairs, 2 CDU pump pairs) 8 + pairs of classes C(16,2) = 120
# less dry units with dry fans (one component, counted above) = 119:
# 8 + 1 + 8 + 119 = 136
check "--depth 2 over --max-cases: the count" \
    grep -q "136 cases at depth 2, more than --max-cases 50" "$tmp/err"
run contingency "$S/gb200-row.xml" --depth 3
check "--depth 3: exit 2" test "$rc" -eq 2
run contingency "$S/gb200-row.xml" --at 20min --duration 10min
check "--at after the end: exit 2" test "$rc" -eq 2
run contingency "$tmp/none.xml"
check "missing site: exit 3" test "$rc" -eq 3
run compare "$tmp/cA"
check "compare of one run: exit 2" test "$rc" -eq 2
run compare "$tmp/cA" "$tmp"
check "compare of a directory without a run: exit 3" test "$rc" -eq 3
run compare "$tmp/cA" "$tmp/cB" --column 'nothing*' --out "$tmp/cmp2"
check "compare --column matching nothing: exit 2" test "$rc" -eq 2

finish
