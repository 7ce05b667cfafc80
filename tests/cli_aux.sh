#!/bin/sh
# cli_aux.sh - the supplies of the cooling auxiliaries (feed=) and the
# whole-site energy ledger of run.json (dctwin-models(7), AUXILIARY FEEDS
# and ENERGY LEDGER): the ledger closes through a grid loss; the battery
# carries the UPS-fed pumps and the generators their board; an unbacked
# pump coasts down on its closed form and restarts on its ramp; a
# generator-backed fan stops at the loss and restarts at the transfer.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_aux
. "${top_srcdir:-.}/tests/testlib.sh"

hall="$top_srcdir/sites/reference-hall.xml"
loss="$top_srcdir/sites/scenarios/grid-loss.xml"

# Term K of the ledger of the run in DIR (its first occurrence after
# "ledger":, which run.json writes on one line).
lj() {
    sed -n 's/.*"ledger":{//p' "$1/run.json" |
        sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"
}
# Column C at time T of the CSV F ("missing" when there is none).
at() {
    awk -F, -v c="$2" -v t="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
        k && $1 + 0 == t + 0 { print $k; f = 1; exit }
        END { if (!f) print "missing" }' "$1" 2>/dev/null || echo missing
}
# |A - B| <= TOL |C| (numbers)
within() {
    awk -v a="$1" -v b="$2" -v t="$3" -v c="$4" '
        function num(x) { return x ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ }
        BEGIN { d = a - b; if (d < 0) d = -d; if (c < 0) c = -c
                exit !(num(a) && num(b) && num(c) && d <= t * c) }'
}
# awk expression E evaluated (prints the number)
calc() { awk "BEGIN { printf \"%.17g\\n\", $1 }" 2>/dev/null || echo nan; }

# ------------------------- the ledger closes through a grid loss
# reference hall, the issue's acceptance run: 10 min, grid lost 30-330 s
run simulate "$hall" --scenario "$loss" --duration 10min -v --out "$tmp/rh"
check "reference hall grid loss: ran (exit $rc)" [ "$rc" -le 1 ]
cl=$(json "$tmp/rh/run.json" ledger_closure_rel)
check "reference hall grid loss: the ledger closes ($cl <= 1e-6)" \
    awk -v x="$cl" 'BEGIN { exit !(x != "" && x >= 0 && x <= 1e-6) }'
check "the run summary prints the ledger" \
    grep -q '^dctwin: energy ledger: sources .* relative)$' "$tmp/err"
for k in grid generator battery cdu_pumps facility_pumps heat_rejection_fans \
    crah; do
    v=$(lj "$tmp/rh" "$k")
    check "reference hall grid loss: ledger $k > 0 ($v J)" \
        awk -v x="$v" 'BEGIN { exit !(x != "" && x > 0) }'
done
# events.csv: the generator-fed auxiliary (hall air) loses its supply at
# the grid loss (30 s) and regains it when the generators' breaker closes
# start-delay = 10 s later; the UPS-fed pumps and dry-cooler fans (the
# hall's N-1 design) never lose it
ev="$tmp/rh/events.csv"
for c in hall; do
    check "grid loss: $c aux-supply-lost at 30 s" \
        grep -qx "30,$c,aux-supply-lost" "$ev"
    check "grid loss: $c aux-supply-restored at 40 s (start-delay 10 s)" \
        grep -qx "40,$c,aux-supply-restored" "$ev"
done
n=$(grep -c ',aux-supply-' "$ev" || true)
check "grid loss: no supply event for the UPS-fed pumps and fans ($n rows, 2 expected)" \
    [ "$n" -eq 2 ]
# grid-fed CDUs (an aggregated group: every member has its own rows) lose
# their supply at the loss and regain it only when the grid returns
run simulate "$hall" --scenario "$loss" --duration 6min \
    --set 'cdu-ab*.feed=grid' -q --out "$tmp/rg"
check "grid-fed CDUs: ran (exit $rc)" [ "$rc" -le 1 ]
for c in cdu-ab1 cdu-ab2 cdu-ab3; do
    check "grid-fed $c: aux-supply-lost at 30 s, restored at 330 s" \
        sh -c "grep -qx '30,$c,aux-supply-lost' '$tmp/rg/events.csv' &&
               grep -qx '330,$c,aux-supply-restored' '$tmp/rg/events.csv'"
done
check "grid-fed CDUs: the other group (UPS) has no supply event" \
    sh -c "! grep -q '^[^,]*,cdu-cd' '$tmp/rg/events.csv'"
# bess-qual (smoothing battery, training load): through the loss and the
# generators' start
run simulate "$top_srcdir/sites/bess-qual.xml" --scenario "$loss" \
    --duration 50s -q --out "$tmp/bq"
cl=$(json "$tmp/bq/run.json" ledger_closure_rel)
check "bess-qual grid loss: the ledger closes ($cl <= 1e-6)" \
    awk -v x="$cl" 'BEGIN { exit !(x != "" && x >= 0 && x <= 1e-6) }'

# a GB300 row: its power shelves' banks are a store of the ledger
run simulate "$top_srcdir/tests/data/gb300-row.xml" --profile training \
    --duration 20s -q --out "$tmp/gb3"
cl=$(json "$tmp/gb3/run.json" ledger_closure_rel)
check "gb300-row: the ledger closes ($cl <= 1e-6)" \
    awk -v x="$cl" 'BEGIN { exit !(x != "" && x >= 0 && x <= 1e-6) }'
v=$(lj "$tmp/gb3" power_shelves)
check "gb300-row: the banks' change is in it ($v J)" \
    awk -v x="$v" 'BEGIN { if (x < 0) x = -x; exit !(x > 100) }'
# the integrated bank power against the banks' state (the racks' E_cap_J
# at the end less at the start): the quadratures are outside the error
# test, so this is the integration error of a stiff store (ENERGY LEDGER
# in dctwin-models(7)): 0.03 % at BDF order 3, 5.8 % at orders up to 5
s=$(awk -F, 'NR == 1 { for (i = 2; i <= NF; i++) if ($i ~ /E_cap_J$/) k[i] = 1; next }
    { e = 0; for (i in k) e += $i; if (NR == 2) a = e; b = e }
    END { printf "%.17g\n", b - a }' "$tmp/gb3/timeseries.csv")
check "gb300-row: integrated bank power $v J within 0.1 % of the state's change $s J" \
    within "$v" "$s" 1e-3 "$s"

# ------------- the battery's energy includes the auxiliaries it carries
# grid lost at 0, 8 s: before the generators close (10 s) the battery is
# the only source; it carries the racks, the losses and the CDU and
# facility pumps on the DC bus (feed="ups", the default), while the fans
# and CRAHs (feed="generator", the default; the hall's own dry-cooler
# fans are on the UPS, so set back here) are stopped
printf '<scenario name="b"><event t="0 s" fail="utility"/></scenario>\n' \
    >"$tmp/b.xml"
run simulate "$hall" --scenario "$tmp/b.xml" --duration 8s -q --out "$tmp/b" \
    --set dry.feed=generator
check "battery only: ran (exit $rc)" [ "$rc" -le 1 ]
# a scenario that opens with the loss: the supply events at t = 0
check "grid lost at 0: dry aux-supply-lost at 0 s" \
    grep -qx "0,dry,aux-supply-lost" "$tmp/b/events.csv"
rb="$tmp/b"
bat=$(lj "$rb" battery)
check "battery only: no grid, no generator" \
    sh -c "[ '$(lj "$rb" grid)' = 0 ] && [ '$(lj "$rb" generator)' = 0 ]"
ups=$(calc "$(lj "$rb" cdu_pumps) + $(lj "$rb" facility_pumps)")
use=$(calc "$(lj "$rb" it_J) + $ups + $(lj "$rb" rectifier_loss) + \
    $(lj "$rb" busway_loss) + $(lj "$rb" battery_converter_loss) + \
    $(lj "$rb" aux_converter_loss) + $(lj "$rb" unserved_J) + \
    $(lj "$rb" bus_capacitors) + $(lj "$rb" power_shelves) - \
    $(lj "$rb" rectifier_holdup)")
check "battery only: the battery's $bat J = IT + UPS pumps + losses + storage ($use J)" \
    within "$bat" "$use" 1e-6 "$bat"
check "battery only: the UPS pumps are in it ($ups J, > 0.1 % of $bat J)" \
    awk -v u="$ups" -v b="$bat" 'BEGIN { exit !(u != "nan" && b != "" && u > 1e-3 * b) }'
# against the bus: what the battery put in (energy.bess_J) covers the
# busways and the pumps' converter input, less what the bus capacitors
# and the rectifiers' decaying current gave
eb=$(json "$rb/run.json" bess_J)
bw=$(json "$rb/run.json" bus_loads_J)
inp=$(calc "$ups + $(lj "$rb" aux_converter_loss)")
check "battery only: the bus loads ($bw J) include the pumps' input ($inp J)" \
    awk -v w="$bw" -v i="$inp" -v it="$(lj "$rb" it_J)" -v l="$(lj "$rb" busway_loss)" \
        'BEGIN { d = w - (it + l + i); if (d < 0) d = -d
                 exit !(i != "nan" && it != "" && d <= 1e-6 * w) }'
check "battery only: the stopped fans and CRAHs used nothing" \
    sh -c "[ '$(lj "$rb" heat_rejection_fans)' = 0 ] && [ '$(lj "$rb" crah)' = 0 ]"
check "battery only: the battery delivered to the bus ($eb J)" \
    awk -v e="$eb" -v b="$bat" 'BEGIN { exit !(e > 0 && e < b) }'

# ------------------------------ an unbacked pump coasts down and restarts
# CDU pumps on the grid alone: at the loss (30 s) the drives stop and the
# speed decays with the pump's time constant, w = w0 exp(-(t - 30 s) / 1 s);
# at the grid's return (40 s) the drives ramp it up at 1/pump-rise
# (1/30 s): w = w(40) + (t - 40 s) / 30 s
printf '<scenario name="u"><event t="30 s" fail="utility"/><event t="40 s" restore="utility"/></scenario>\n' \
    >"$tmp/u.xml"
run simulate "$hall" --scenario "$tmp/u.xml" --duration 46s \
    --output-step 0.5s --rtol 1e-9 --atol 1e-10 -q --set 'cdu-*.feed=grid' \
    --probe 'cdu-ab1.pump_speed_pct,cdu-ab1.P_pump_kW,cdu-ab1.flow_Lpm,A01.T_j_hot_degC' \
    --out "$tmp/u"
f="$tmp/u/timeseries.csv"
w0=$(at "$f" cdu-ab1.pump_speed_pct 29.5)
for dt in 0.5 1 2 4; do
    w=$(at "$f" cdu-ab1.pump_speed_pct "$(calc "30 + $dt")")
    check "unbacked pump: speed $w % at 30 + $dt s = $w0 % exp(-$dt)" \
        within "$w" "$(calc "$w0 * exp(-$dt)")" 1e-4 "$w"
done
check "unbacked pump: it draws nothing while it coasts" \
    [ "$(at "$f" cdu-ab1.P_pump_kW 35)" = 0 ]
fl0=$(at "$f" cdu-ab1.flow_Lpm 29.5)
fl=$(at "$f" cdu-ab1.flow_Lpm 32)
check "unbacked pump: the flow falls with it ($fl0 -> $fl L/min)" \
    within "$fl" "$(calc "$fl0 * exp(-2)")" 1e-4 "$fl"
w40=$(calc "$w0 * exp(-10)")
w=$(at "$f" cdu-ab1.pump_speed_pct 43)
check "unbacked pump: restarts on its ramp ($w % at 43 s)" \
    within "$w" "$(calc "$w40 + 100 * 3 / 30")" 1e-4 "$w"
tj0=$(at "$f" A01.T_j_hot_degC 29.5)
tj1=$(at "$f" A01.T_j_hot_degC 38)
check "unbacked pumps: the GPUs heat up ($tj0 -> $tj1 degC)" \
    awk -v a="$tj0" -v b="$tj1" 'BEGIN { exit !(b > a + 5) }'
# the same loss with the pumps on the bus (the default): nothing moves
run simulate "$hall" --scenario "$tmp/u.xml" --duration 46s \
    --output-step 0.5s -q --probe 'cdu-ab1.pump_speed_pct,A01.T_j_hot_degC' \
    --out "$tmp/k"
f="$tmp/k/timeseries.csv"
check "UPS-fed pump: keeps its speed through the loss" \
    within "$(at "$f" cdu-ab1.pump_speed_pct 35)" "$w0" 1e-6 "$w0"
tj1=$(at "$f" A01.T_j_hot_degC 38)
check "UPS-fed pumps: the GPUs hold ($tj0 -> $tj1 degC)" \
    awk -v a="$tj0" -v b="$tj1" 'BEGIN { d = b - a; if (d < 0) d = -d; exit !(d < 0.5) }'
# facility pumps on the grid alone: the facility water stops
run simulate "$hall" --scenario "$tmp/u.xml" --duration 36s \
    --output-step 0.5s -q --set fws.feed=grid \
    --probe 'fws.flow_Lpm,fws.P_pump_kW,cdu-ab1.flow_primary_Lpm' --out "$tmp/l"
f="$tmp/l/timeseries.csv"
check "unbacked facility pumps: running before the loss" \
    awk -v x="$(at "$f" fws.flow_Lpm 29.5)" 'BEGIN { exit !(x > 0) }'
check "unbacked facility pumps: no facility water after it" \
    sh -c "[ '$(at "$f" fws.flow_Lpm 30.5)' = 0 ] &&
           [ '$(at "$f" fws.P_pump_kW 30.5)' = 0 ] &&
           [ '$(at "$f" cdu-ab1.flow_primary_Lpm 35)' = 0 ]"

# ------------------ a generator-backed fan restarts after the transfer
# dry coolers and CRAHs on the generator board (the default; the
# reference hall's dry-cooler fans are on the UPS, set back here):
# stopped from the loss (30 s) until the sets close on their board at
# 30 s + start-delay (10 s)
run simulate "$hall" --scenario "$loss" --duration 45s --output-step 0.5s -q \
    --set dry.feed=generator \
    --probe 'dry.fan_pct,dry.P_kW,hall.P_crah_kW,gen.P_kW' --out "$tmp/g"
f="$tmp/g/timeseries.csv"
check "generator board: fans running before the loss" \
    awk -v x="$(at "$f" dry.fan_pct 29.5)" 'BEGIN { exit !(x > 0) }'
for t in 30.5 35 39.5; do
    check "generator board: fans and CRAHs stopped at $t s" \
        sh -c "[ '$(at "$f" dry.fan_pct $t)' = 0 ] &&
               [ '$(at "$f" dry.P_kW $t)' = 0 ] &&
               [ '$(at "$f" hall.P_crah_kW $t)' = 0 ]"
done
for t in 40.5 44; do
    check "generator board: fans and CRAHs back at $t s" \
        awk -v a="$(at "$f" dry.fan_pct $t)" -v b="$(at "$f" hall.P_crah_kW $t)" \
            'BEGIN { exit !(a > 0 && b > 0) }'
done
# on the bus instead, they do not stop
run simulate "$hall" --scenario "$loss" --duration 36s --output-step 0.5s -q \
    --set dry.feed=ups --probe 'dry.fan_pct' --out "$tmp/f"
check "UPS-fed fans keep running through the loss" \
    awk -v x="$(at "$tmp/f/timeseries.csv" dry.fan_pct 35)" 'BEGIN { exit !(x > 0) }'

# ------------------- the battery's ride-through need counts the auxiliaries
# t_need = start-delay + P_design / ramp: with every auxiliary on the grid
# alone, P_design is the racks' 72 x 132 kW (10 s + 9.504 MW / 3 MW/s);
# with the pumps on the bus and the fans on the generators it is more
grid_all="--set cdu-*.feed=grid --set fws.feed=grid --set dry.feed=grid --set hall.feed=grid"
lim() { tr '{' '\n' <"$1/margins.json" | grep '"id":"bess.ride_through.generators"' |
        sed -n 's/.*"limit":\([^,]*\).*/\1/p'; }
# shellcheck disable=SC2086
run simulate "$hall" --duration 1s -q $grid_all --out "$tmp/n0"
l0=$(lim "$tmp/n0")
check "ride-through need without backed auxiliaries: $l0 s = 10 + 9504/3000" \
    within "$l0" "$(calc "10 + 9504 / 3000")" 1e-9 13
run simulate "$hall" --duration 1s -q --out "$tmp/n1"
l1=$(lim "$tmp/n1")
check "ride-through need with them: $l1 s > $l0 s" \
    awk -v a="$l1" -v b="$l0" 'BEGIN { exit !(a > b + 0.1) }'

finish
