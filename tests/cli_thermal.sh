#!/bin/sh
# cli_thermal.sh - the thermal answers of `dctwin simulate` on the shipped
# sites: the A.1 design point, the hot day that throttles, the demo hall
# under synchronous training, golden outputs with tolerance, and an
# interrupted run that leaves no file behind.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
# Regenerate the golden file after a deliberate model change with
#   DCTWIN_MODELS_PATH=models ./dctwin simulate sites/gb200-row.xml \
#     --profile training --duration 30s --output-step 1s -q \
#     --probe 'A01.*,cdu-1.*,fws.*' --out /tmp/g &&
#   cp /tmp/g/timeseries.csv tests/golden/gb200-row-training.csv
test_name=cli_thermal
. "${top_srcdir:-.}/tests/testlib.sh"

# Column NAME of the last row of CSV file F.
last() {
    awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        END { if (k) print $k; else print "missing" }' "$1"
}
# Is |A - B| <= TOL?
near() {
    awk -v a="$1" -v b="$2" -v t="$3" \
        'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "missing" && d <= t) }'
}
# The "margin" of margin ID in margins.json F.
margin_of() {
    tr '{' '\n' <"$1" | grep "\"id\":\"$2\"" |
        sed -n 's/.*"margin":\([^,]*\),.*/\1/p'
}

# ------------------------------------------- A.1 design point, 2 h
run simulate "$top_srcdir/sites/gb200-row.xml" --duration 2h \
    --output-step 60s -q --out "$tmp/row"
check "gb200-row exits 0 (got $rc)" [ "$rc" -eq 0 ]
tj=$(last "$tmp/row/timeseries.csv" A01.T_j_degC)
check "gb200-row T_j = $tj degC, A.1 says 75.8 +- 1.5" near "$tj" 75.8 1.5
tjh=$(last "$tmp/row/timeseries.csv" A01.T_j_hot_degC)
check "gb200-row hot GPU $tjh degC below the 85 degC soft cap" \
    awk -v x="$tjh" 'BEGIN { exit !(x < 85 && x > 75.8) }'
ts=$(last "$tmp/row/timeseries.csv" cdu-1.T_supply_degC)
check "gb200-row TCS supply $ts degC at its 35 degC setpoint" near "$ts" 35 0.05
tr_=$(last "$tmp/row/timeseries.csv" cdu-1.T_return_degC)
check "gb200-row TCS return $tr_ degC, A.1 says 46" near "$tr_" 46 0.5
cl=$(sed -n 's/.*"energy_closure_rel":\([^,}]*\).*/\1/p' "$tmp/row/run.json")
check "gb200-row energy_closure_rel $cl <= 1e-3" \
    awk -v c="$cl" 'BEGIN { exit !(c != "" && c + 0 <= 1e-3) }'
check "gb200-row logs no throttle" \
    sh -c "! grep -q throttle '$tmp/row/events.csv'"
# margins over time: one row per timeseries row; the junction's column at
# the end is the hot GPU's margin in % of its range above the CDU's 35 degC
# supply setpoint, (85 - T_j_hot) / (85 - 35)
mo="$tmp/row/margins-over-time.csv"
check "margins-over-time.csv has a row per timeseries row" \
    test "$(wc -l <"$mo")" -eq "$(wc -l <"$tmp/row/timeseries.csv")"
mj=$(last "$mo" rack.T_j_hot.throttle_pct)
check "junction margin over time $mj % = (85 - $tjh) / (85 - 35)" \
    awk -v m="$mj" -v t="$tjh" 'BEGIN { d = m - 100 * (85 - t) / 50
                                       if (d < 0) d = -d; exit !(m != "" && d < 0.01) }'

# ------------------------------------------------- the hot day, 35 degC
run simulate "$top_srcdir/sites/gb200-row-hot.xml" --duration 1h \
    --output-step 60s -q --out "$tmp/hot"
check "gb200-row-hot exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "gb200-row-hot logs throttle events" \
    grep -q ',A0[1-8],throttle$' "$tmp/hot/events.csv"
m=$(margin_of "$tmp/hot/margins.json" A01.T_j_hot.throttle)
check "gb200-row-hot junction margin $m < 0" \
    awk -v x="$m" 'BEGIN { exit !(x != "" && x < 0) }'
check "gb200-row-hot all_ok false" grep -q '"all_ok":false' "$tmp/hot/margins.json"
p=$(last "$tmp/hot/timeseries.csv" A01.gpu_power_pct)
check "gb200-row-hot GPUs throttled ($p %)" \
    awk -v x="$p" 'BEGIN { exit !(x < 100 && x > 50) }'
fws=$(last "$tmp/hot/timeseries.csv" fws.T_supply_degC)
check "gb200-row-hot facility supply $fws degC above the W32 limit" \
    awk -v x="$fws" 'BEGIN { exit !(x > 32) }'

# ------------------------- the demo hall under synchronous training
run simulate "$top_srcdir/sites/reference-hall.xml" --profile llm-training \
    --duration 30s --output-step 0.1s -q --probe 'A01.P_kW,hall.*' \
    --out "$tmp/hall"
check "reference-hall llm-training exits 0 (got $rc)" [ "$rc" -eq 0 ]
# the square wave: 0.5 Hz, full power, then 30 % of it, the levels
# dctwin(1) and its source state as fractions of p-max: P = max(P_idle,
# u P_max), P_idle 40 kW, P_max 132 kW, so 132 kW and max(40, 39.6) kW
check "reference-hall GB200 rack power swings 100 % / 30 % of p-max (132 kW / 40 kW)" \
    awk -F, 'NR > 1 { if ($2 > hi) hi = $2; if (lo == "" || $2 < lo) lo = $2 }
        END { exit !(hi > 131.99 && hi < 132.01 && lo > 39.99 && lo < 40.01) }' \
        "$tmp/hall/timeseries.csv"
grep -q '"realtime_ratio":[0-9]' "$tmp/hall/run.json" && ok ||
    fail "reference-hall run.json lacks a realtime_ratio"

# ------------------------------------- rack trip on lost facility water
# (dctwin-models(7), Rack trip): the facility loop lost for 15 min drove
# the rack coolant to 177 degC; now every rack trips (BMC/PSU, whole-rack
# power to zero) when its return passes t-coolant-trip, nothing passes
# 100 degC, the trips are in events.csv and run.json, exit 1
run simulate "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/facility-loop-loss.xml" \
    --duration 20min --output-step 1s -q --out "$tmp/fl"
check "facility-loop-loss exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "every rack trips: 72 rack-trip events" \
    [ "$(grep -c ',rack-trip$' "$tmp/fl/events.csv")" -eq 72 ]
check "run.json counts 72 rack trips" \
    [ "$(json "$tmp/fl/run.json" rack_trips)" = 72 ]
check "no temperature above 100 degC in any output" \
    awk -F, 'NR == 1 { for (i = 2; i <= NF; i++) if ($i ~ /degC$/) c[i] = 1; next }
        { for (i in c) if ($i >= 100) bad = 1 } END { exit bad }' \
        "$tmp/fl/timeseries.csv"
check "no degC margin's worst value at or above 100 degC (solver steps)" \
    sh -c "! tr '{' '\n' <'$tmp/fl/margins.json' | grep '\"unit\":\"degC\"' |
           sed -n 's/.*\"worst\":\([^,]*\),.*/\1/p' | awk '\$1 >= 100 { f = 1 } END { exit !f }'"
check "a tripped rack draws nothing (A01 at 10 min)" \
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "A01.P_kW") k = i; next }
        $1 == 600 { exit !(k && $k + 0 < 1e-6 && $k + 0 > -1e-6) }' \
        "$tmp/fl/timeseries.csv"
check "the rack trip margins are violated" \
    sh -c "margin_neg() { tr '{' '\n' <'$tmp/fl/margins.json' | grep \"\\\"id\\\":\\\"\$1\\\"\" | grep -q '\"margin\":-'; }
           margin_neg A01.in_service.trip && margin_neg A01.T_return.trip"
# with the coolant limit out of reach (95 degC) the GPUs trip the racks:
# the hot GPU reaches t-trip (92 degC, the trip starts 0.5 K below)
run simulate "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/facility-loop-loss.xml" \
    --set gb200-nvl72.t-coolant-trip=95degC --duration 20min -q \
    --probe 'A01.T_j_hot_degC' --output-step 1s --out "$tmp/flg"
check "GPU-driven: 72 rack trips" [ "$(json "$tmp/flg/run.json" rack_trips)" = 72 ]
check "GPU-driven: the hot GPU between 91.5 and 92 degC at most" \
    awk -F, 'NR > 1 && $2 > m { m = $2 } END { exit !(m >= 91.5 && m <= 92) }' \
    "$tmp/flg/timeseries.csv"
# with trip-restart the racks come back once the water is restored
run simulate "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/facility-loop-loss.xml" \
    --set gb200-nvl72.trip-restart=60s --duration 25min --output-step 10s -q \
    --probe 'A01.P_kW' --out "$tmp/fl2"
check "trip-restart=60s: 72 restarts after the restore" \
    [ "$(json "$tmp/fl2/run.json" rack_restarts)" = 72 ]
check "restarted, A01 draws 132 kW again at 25 min" \
    awk -F, '$1 == 1500 { exit !($2 > 131.9) }' "$tmp/fl2/timeseries.csv"

# ------------------------------- pump failure: failover, then recovery
run simulate "$top_srcdir/sites/gb200-row.xml" \
    --scenario "$top_srcdir/sites/scenarios/pump-failure.xml" \
    --duration 4min --output-step 1s -q --out "$tmp/pf"
check "pump failure exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "pump failure logged at 60 s" \
    grep -q '^60,cdu-1,unit-trip$' "$tmp/pf/events.csv"
f0=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cdu-1.flow_Lpm") k = i }
    $1 == 63 { print $k }' "$tmp/pf/timeseries.csv")
check "no flow while the standby pump starts (63 s: $f0 L/min)" near "$f0" 0 0.001
f1=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cdu-1.flow_Lpm") k = i }
    $1 == 66 { print $k }' "$tmp/pf/timeseries.csv")
check "the standby pump takes over after the 5 s failover (66 s: $f1 L/min)" \
    awk -v x="$f1" 'BEGIN { exit !(x > 800) }'
check "the racks throttle during the failover" \
    grep -q ',A01,throttle$' "$tmp/pf/events.csv"
check "and recover" grep -q ',A01,throttle-end$' "$tmp/pf/events.csv"
# time to throttle: the first throttle after the failure, within the 5 s
# failover (no flow: the coolant in the racks heats in seconds)
tt=$(throttle_after "$tmp/pf" cdu-1 60)
check "pump failure: time to throttle $tt s, within the 5 s failover" \
    awk -v x="$tt" 'BEGIN { exit !(x != "" && x > 0 && x < 5) }'
check "pump failure: run.json has the time to throttle" \
    grep -q '"time_to_throttle_s":[0-9]' "$tmp/pf/run.json"
tj=$(last "$tmp/pf/timeseries.csv" A01.T_j_hot_degC)
check "hot GPU back to its steady 79.3 degC ($tj)" near "$tj" 79.3 0.1

# --------------------------------------------------- --set overrides
mj() { tr '{' '\n' <"$1" | grep '"id":"A01.T_j_hot.throttle"' |
    sed -n 's/.*"margin":\([^,]*\),.*/\1/p'; }
run simulate "$top_srcdir/sites/gb200-row.xml" --duration 1h \
    --output-step 10min -q --set cdu-1.supply-setpoint=40degC --out "$tmp/s40"
check "--set supply-setpoint=40degC runs (got $rc)" [ "$rc" -le 1 ]
m35=$(mj "$tmp/row/margins.json")
m40=$(mj "$tmp/s40/margins.json")
# 5 K warmer supply, 5 K less junction margin (the rack network is linear)
check "--set 40 degC supply: junction margin $m35 -> $m40 K, 5 K less" \
    awk -v a="$m35" -v b="$m40" 'BEGIN { d = a - b - 5; if (d < 0) d = -d; exit !(a != "" && d < 0.05) }'
run simulate "$top_srcdir/sites/gb200-row.xml" --duration 1h --set nosuch.x=1 \
    --out "$tmp/sx"
check "--set nosuch.x=1 exits 3 (got $rc)" [ "$rc" -eq 3 ]
check "--set nosuch.x=1 says what is wrong" \
    grep -q "^dctwin: --set: error: 'nosuch.x=1': the site has no component or model named 'nosuch'" "$tmp/err"
for a in cdu-1.supply-setpoint=40 cdu-1.supply-setpoint=40kW cdu-1.nosuch=1 \
    cdu-1.loop=fws cdu-1.supply-setpoint=99degC =1 cdu-1; do
    run validate --set "$a" "$top_srcdir/sites/gb200-row.xml"
    check "validate --set '$a' exits 3 (got $rc)" [ "$rc" -eq 3 ]
    check "validate --set '$a' names --set" grep -q '^dctwin: --set: error: ' "$tmp/err"
done
run validate --set 'A0*.p-max=110kW' --set gb200-nvl72.f-liq=0.8 \
    "$top_srcdir/sites/gb200-row.xml"
check "validate with a glob and a model override exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "the glob reached every rack: IT power 0.88 MW" grep -q '0.880 MW' "$tmp/out"

# ------------------------------------- a heat wave: set= scenario events
run simulate "$top_srcdir/sites/gb200-row.xml" \
    --scenario "$top_srcdir/sites/scenarios/heat-wave.xml" --duration 2h \
    --output-step 1min -q --out "$tmp/hw"
check "heat wave exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "the ambient steps are logged with the new dry bulb" \
    grep -q '^600,ambient,set-dry-bulb=35 degC$' "$tmp/hw/events.csv"
check "the setpoint change is logged with the new setpoint" \
    grep -q '^4200,cdu-1,set-supply-setpoint=38 degC$' "$tmp/hw/events.csv"
# the time to throttle after the step to 35 degC: A.1's hot day again
tt=$(awk -F, '$2 == "A01" && $3 == "throttle" { print $1; exit }' "$tmp/hw/events.csv")
check "the racks throttle some minutes after the 35 degC step ($tt s)" \
    awk -v t="$tt" 'BEGIN { exit !(t > 660 && t < 1800) }'
ta=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "dry.T_air_degC") k = i }
    $1 == 3000 { print $k }' "$tmp/hw/timeseries.csv")
check "the dry coolers see 38 degC after 40 min ($ta)" near "$ta" 38 1e-9
printf '<scenario><event t="1 s" set="cdu-1.flow-primary=1kg/s"/></scenario>\n' \
    >"$tmp/badset.xml"
run simulate "$top_srcdir/sites/gb200-row.xml" --scenario "$tmp/badset.xml" \
    --duration 1min --out "$tmp/bs"
check "set= of a parameter that cannot change: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "and says so" grep -q 'cannot change during a run' "$tmp/err"

# ---------------- ambient headroom: where the dry coolers run out of fan
# gb200-row at its design point: the two running dry coolers at full fan
# would hold the supply at 31 degC up to 25 + H degC of air.  A steady run
# 0.1 K below that holds it and leaves the fans below full speed; 0.1 K
# above it they saturate and the supply drifts above 31 degC (exit 1: the
# headroom is negative, though the supply is within T_out's 1 K).
run simulate "$top_srcdir/sites/gb200-row.xml" --duration 30min -q --out "$tmp/hr0"
h=$(awk -F, '$1 == "dry.T_air_headroom.ambient" { print $7 }' "$tmp/hr0/margins.csv")
check "gb200-row has an ambient headroom ($h K)" \
    awk -v x="$h" 'BEGIN { exit !(x > 1 && x < 4) }'
for d in -0.1 0.1; do
    ta=$(awk -v h="$h" -v d="$d" 'BEGIN { printf "%.4f", 25 + h + d }')
    run simulate "$top_srcdir/sites/gb200-row.xml" --set "ambient.dry-bulb=${ta}degC" \
        --duration 3h --output-step 30min -q --out "$tmp/hr$d"
    f=$(last "$tmp/hr$d/timeseries.csv" dry.fan_pct)
    t=$(last "$tmp/hr$d/timeseries.csv" dry.T_out_degC)
    if [ "$d" = -0.1 ]; then
        check "at $ta degC the fans hold it: $f %, $t degC (exit $rc)" \
            awk -v f="$f" -v t="$t" -v rc="$rc" 'BEGIN { exit !(f < 100 && t < 31.001 && rc == 0) }'
    else
        check "at $ta degC the fans saturate: $f %, $t degC (exit $rc)" \
            awk -v f="$f" -v t="$t" -v rc="$rc" 'BEGIN { exit !(f == 100 && t > 31.01 && t < 32 && rc == 1) }'
    fi
done
# --set on the <ambient> element, which has no id
run simulate "$top_srcdir/sites/gb200-row.xml" --set ambient.dry-bulb=3kg \
    --duration 1min -q --out "$tmp/hrbad"
check "--set ambient.dry-bulb with a wrong unit: exit 3 (got $rc)" [ "$rc" -eq 3 ]

# ------------- ride-through after a loss of heat rejection (a margin)
# gb200-row asked for 30 s: the water of the loop (2.1 m3), of the dry
# coolers (3 x 0.5 m3), of the CDU (0.15 m3 PG25, 0.1 m3 water) and of the
# 8 racks (30 L each) warms as one body at Q_hx / C_st until the hot GPU
# reaches 85 degC
run simulate "$top_srcdir/sites/gb200-row.xml" --set fws.ride-through=30s \
    --duration 10min --output-step 1min -q --out "$tmp/rt"
check "ride-through of 30 s asked: met (got $rc)" [ "$rc" -eq 0 ]
mcsv="$tmp/rt/margins.csv"
trt=$(awk -F, '$1 == "fws.ride_through.heat-rejection-loss" { print $7 }' "$mcsv")
hd=$(awk -F, '$1 == "A01.T_j_hot.throttle" { print $8 }' "$mcsv")
q=$(last "$tmp/rt/timeseries.csv" cdu-1.Q_kW)
check "t_rt = C_st (85 - T_jh) / Q_hx: $trt s ($hd K, $q kW)" \
    awk -v t="$trt" -v h="$hd" -v q="$q" 'BEGIN {
        c = (2.1 + 3 * 0.5 + 0.1) * 994 * 4180 + (0.15 + 8 * 0.030) * 1012.5 * 3957
        e = c * h / (q * 1e3); r = t / e; exit !(r > 0.999 && r < 1.001) }'
# the real thing: the whole dry-cooler plant lost at 60 s; the GPUs reach
# their soft cap later than the lumped estimate (transport delays, valve
# reserve), but not much later
printf '<scenario name="hr-loss"><event t="60 s" fail="dry"/></scenario>\n' >"$tmp/hrl.xml"
run simulate "$top_srcdir/sites/gb200-row.xml" --set fws.ride-through=30s \
    --scenario "$tmp/hrl.xml" --duration 5min --output-step 1min -q --out "$tmp/rt2"
tt=$(throttle_after "$tmp/rt2" dry 60)
check "heat rejection lost: throttles after $tt s, 1 to 1.6 x the $trt s estimated" \
    awk -v a="$tt" -v e="$trt" 'BEGIN { exit !(a != "" && a >= e && a <= 1.6 * e) }'
run simulate "$top_srcdir/sites/gb200-row.xml" --set fws.ride-through=2min \
    --duration 2min --output-step 1min -q --out "$tmp/rt3"
check "2 min asked of a ~104 s ride-through: exit 1 (got $rc)" [ "$rc" -eq 1 ]

# --------------------------- a dry cooler lost on a hot afternoon
run simulate "$top_srcdir/sites/gb200-row.xml" \
    --scenario "$top_srcdir/sites/scenarios/dry-cooler-loss-hot.xml" \
    --duration 40min --output-step 1min -q --out "$tmp/dl"
check "dry cooler lost at 33 degC: the loop runs warm, exit 1 (got $rc)" \
    [ "$rc" -eq 1 ]
check "the loss is logged at 10 min" \
    grep -q '^600,dry,unit-trip$' "$tmp/dl/events.csv"
# the standby spare replaces it: the rejected heat still meets the load
q=$(last "$tmp/dl/timeseries.csv" dry.Q_kW)
check "the spare takes over: $q kW still rejected" \
    awk -v x="$q" 'BEGIN { exit !(x > 930 && x < 940) }'

# ------------------------------------------- CDU failures in a group
run simulate "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/cdu-fail.xml" --duration 20min \
    --output-step 1min -q --out "$tmp/cf1"
check "one CDU of an N+1 group lost: all margins met (got $rc)" [ "$rc" -eq 0 ]
check "the loss is logged" grep -q '^60,cdu-ab1,unit-trip$' "$tmp/cf1/events.csv"
run simulate "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/cdu-fail-2.xml" --duration 20min \
    --output-step 1min -q --out "$tmp/cf2"
check "two CDUs of the group lost: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "the group margin is violated at the loss" \
    sh -c "tr '{' '\n' <'$tmp/cf2/margins.json' | grep '\"id\":\"cdu-ab1.cdus_running.group\"' | grep -q '\"margin\":-1,'"
check "the margin header names the scenario" \
    grep -q 'scenario cdu-fail-2$' "$tmp/cf2/margins.txt"
check "run.json names the scenario" \
    grep -q '"scenario":{"name":"cdu-fail-2"' "$tmp/cf2/run.json"
# one survivor of 2500 kW for 4134 kW of liquid heat: beyond the rating
check "two CDUs lost: the survivor exceeds its rating" \
    margin_neg "$tmp/cf2" cdu-ab3.Q.capacity
check "two CDUs lost: the junction margin is negative" \
    margin_neg "$tmp/cf2" '[AB][0-9]*.T_j_hot.throttle'
check "two CDUs lost: rows C and D keep their margins" \
    sh -c "! grep -q ',margin-violated:[CD][0-9]*\.' '$tmp/cf2/events.csv'"
check "two CDUs lost: rows A and B throttle, C and D do not" \
    sh -c "grep -q '^[0-9.]*,B18,throttle$' '$tmp/cf2/events.csv' &&
           ! grep -q '^[0-9.]*,[CD][0-9]*,throttle$' '$tmp/cf2/events.csv'"
# the survivor's pumps ramp from 51 % to 100 % at 1/30 s, the racks' flow
# falls to 66 % and the supply rises: the hot GPU reaches 85 degC ~9.5 s
# after the loss (sites/reference-hall.xml)
tt2=$(throttle_after "$tmp/cf2" cdu-ab1 60)
check "two CDUs lost: time to throttle $tt2 s (5 < t < 20)" \
    awk -v x="$tt2" 'BEGIN { exit !(x != "" && x > 5 && x < 20) }'
check "the throttle delay is an event" \
    grep -q ',time-to-throttle:' "$tmp/cf2/events.csv"
p=$(last "$tmp/cf2/timeseries.csv" A01.gpu_power_pct)
check "two CDUs lost: row A's GPUs run throttled ($p %)" \
    awk -v x="$p" 'BEGIN { exit !(x < 100 && x > 90) }'
p=$(last "$tmp/cf2/timeseries.csv" C01.gpu_power_pct)
check "two CDUs lost: row C's GPUs do not ($p %)" \
    awk -v x="$p" 'BEGIN { exit !(x == 100) }'
# a warmer facility supply (the W32 limit) leaves less headroom: the GPUs
# throttle deeper.  (Not sooner: the first seconds are the pumps' ramp,
# and at 32 degC the survivor's valve starts further open.)
run simulate "$top_srcdir/sites/reference-hall.xml" \
    --scenario "$top_srcdir/sites/scenarios/cdu-fail-2.xml" --duration 20min \
    --set fws.supply-setpoint=32degC --output-step 1min -q --out "$tmp/cf3"
check "two CDUs lost at a 32 degC facility supply: exit 1 (got $rc)" [ "$rc" -eq 1 ]
tt=$(throttle_after "$tmp/cf3" cdu-ab1 60)
check "at 32 degC the time to throttle is reported: $tt s" \
    awk -v x="$tt" 'BEGIN { exit !(x != "" && x > 0 && x < 20) }'
p31=$(last "$tmp/cf2/timeseries.csv" A01.gpu_power_pct)
p32=$(last "$tmp/cf3/timeseries.csv" A01.gpu_power_pct)
check "at 32 degC the GPUs throttle deeper: $p32 % < $p31 %" \
    awk -v x="$p32" -v y="$p31" 'BEGIN { exit !(x < y) }'
check "one CDU lost: no throttle" \
    grep -q '^time to throttle: none' "$tmp/cf1/margins.txt"

# ------------------------------------------------- a CSV load trace
printf 't_s,u\n0,0.5\n30,0.5\n31,1\n60,1\n' >"$tmp/trace.csv"
run simulate "$top_srcdir/sites/gb200-row.xml" --profile "$tmp/trace.csv" \
    --duration 1min --output-step 1s -q --probe 'A01.P_kW' --out "$tmp/csv"
check "CSV trace runs (got $rc)" [ "$rc" -le 1 ]
p10=$(awk -F, '$1 == 10 { print $2 }' "$tmp/csv/timeseries.csv")
p45=$(awk -F, '$1 == 45 { print $2 }' "$tmp/csv/timeseries.csv")
# P = max(P_idle, u P_max) = max(40, u 132) kW
check "CSV u = 0.5 gives 66 kW ($p10)" near "$p10" 66 0.001
check "CSV u = 1 gives 132 kW ($p45)" near "$p45" 132 0.001
printf 't_s,P_W\n0,50000\n60,110000\n' >"$tmp/tracew.csv"
run simulate "$top_srcdir/sites/gb200-row.xml" --profile "$tmp/tracew.csv" \
    --duration 1min --output-step 1s -q --probe 'A01.P_kW' --out "$tmp/csvw"
pw=$(awk -F, '$1 == 30 { print $2 }' "$tmp/csvw/timeseries.csv")
check "CSV in watts interpolates: 80 kW at 30 s ($pw)" near "$pw" 80 0.001
printf 't_s,u\n0,0.3\n0,0.5\n' >"$tmp/bad.csv"
run simulate "$top_srcdir/sites/gb200-row.xml" --profile "$tmp/bad.csv" \
    --duration 1min --out "$tmp/csvbad"
check "a CSV trace with a repeated time is an input error (got $rc)" [ "$rc" -eq 3 ]

# --------------------------------------------- golden, with tolerance
g="$top_srcdir/tests/golden/gb200-row-training.csv"
run simulate "$top_srcdir/sites/gb200-row.xml" --profile training \
    --duration 30s --output-step 1s -q --probe 'A01.*,cdu-1.*,fws.*' \
    --out "$tmp/g"
check "golden run exits 0" [ "$rc" -eq 0 ]
if [ "$(head -n 1 "$g")" = "$(head -n 1 "$tmp/g/timeseries.csv")" ]; then
    ok
else
    fail "golden columns differ from $g"
fi
# every value within 0.01 K / kW / L/min / % plus 1e-4 relative
if paste -d, "$g" "$tmp/g/timeseries.csv" | awk -F, '
    NR == 1 { n = NF / 2; next }
    { for (i = 1; i <= n; i++) { a = $i; b = $(i + n); d = a - b
        if (d < 0) d = -d; s = a < 0 ? -a : a
        if (d > 0.01 + 1e-4 * s) { print "row " NR " col " i ": " a " vs " b; bad = 1 } } }
    END { exit bad }' >"$tmp/gdiff"; then
    ok
else
    fail "outputs differ from $g:"
    head -5 "$tmp/gdiff" >&2
fi

# ------------------------------------- an interrupted run writes nothing
set +e
"$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
    --profile llm-training --duration 10h -q --out "$tmp/int" \
    >/dev/null 2>"$tmp/err" &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
set -e
check "an interrupted run exits non-zero (got $rc)" [ "$rc" -ne 0 ]
if [ -d "$tmp/int" ]; then
    left=$(ls -A "$tmp/int")
    check "an interrupted run leaves no file (found: $left)" [ -z "$left" ]
else
    ok
fi

finish
