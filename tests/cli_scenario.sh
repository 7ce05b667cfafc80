#!/bin/sh
# cli_scenario.sh - the load profiles and the what-if events on the
# command line: `dctwin profile show|export` of the profile library, the
# profile=, scale=, target= and weather= events of a scenario and their
# effect on a run, their errors, and the shipped job-start and
# checkpoint-storm scenarios.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_scenario
. "${top_srcdir:-.}/tests/testlib.sh"

# Column NAME of the row at time T of CSV file F.
at() {
    awk -F, -v c="$2" -v t="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        NR > 1 && $1 == t { v = $k } END { if (k && v != "") print v; else print "missing" }' "$1"
}
near() {
    awk -v a="$1" -v b="$2" -v t="$3" \
        'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "missing" && d <= t) }'
}
row="$top_srcdir/sites/gb200-row.xml"
data="$top_srcdir/tests/data"

# ------------------------------------------------ the profile library
run profile list
check "profile list names the library" grep -q '^training-smoothed  *llm-training' "$tmp/out"
run profile show sync-training
check "profile show exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "profile show prints the source" grep -q '^source: square wave in lockstep \[MSFT-PWRSTAB-2025\]' "$tmp/out"
check "profile show prints the period" grep -q '^  period  *1.5  *s' "$tmp/out"
run profile export ups-test --duration 8s --step 1s --model gb200-nvl72
check "profile export --model exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "export --model has a watts column" [ "$(head -n 1 "$tmp/out")" = "t_s,u,P_kW" ]
# P = max(40, u 132) kW: 0.9 -> 118.8 kW, 0.5 -> 66 kW (90 % and 50 % of
# p-max, as the Vertiv test states them)
check "UPS test at 90 %: 118.8 kW" near "$(awk -F, '$1 == 1 { print $3 }' "$tmp/out")" 118.8 1e-3
check "UPS test at 50 %: 66 kW" near "$(awk -F, '$1 == 3 { print $3 }' "$tmp/out")" 66 1e-3
run profile export ups-test --model nosuch
check "export --model nosuch exits 3 (got $rc)" [ "$rc" -eq 3 ]
run profile show nosuch
check "profile show nosuch exits 3 (got $rc)" [ "$rc" -eq 3 ]
# the acceptance case: the fundamental of the exported CSV is the
# profile's frequency (a DFT over the first 4 Hz, bins of 1/60 Hz)
fund() {
    awk -F, 'NR > 1 && $1 < 60 { n++; t[n] = $1; u[n] = $2; m += $2 }
        END { m /= n; best = 0
              for (k = 1; k <= 240; k++) { re = 0; im = 0
                  for (i = 1; i <= n; i++) { a = 2 * 3.141592653589793 * k * t[i] / 60
                      re += (u[i] - m) * cos(a); im += (u[i] - m) * sin(a) }
                  p = re * re + im * im; if (p > best) { best = p; kb = k } }
              printf "%.6f\n", kb / 60 }' "$1"
}
run profile export llm-training --duration 60s
check "llm-training export exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "llm-training: fundamental 0.5 Hz (got $(fund "$tmp/out"))" near "$(fund "$tmp/out")" 0.5 1e-9
run profile export sync-training --duration 60s
check "sync-training: fundamental 1/1.5 Hz (got $(fund "$tmp/out"))" near "$(fund "$tmp/out")" 0.666667 1e-6

# the swing of a GB200 rack on the built-in llm-training against the
# levels dctwin(1) states: 100 % and 30 % of p-max (132 kW, and 39.6 kW
# raised to the rack's p-idle of 40 kW)
run profile export llm-training --duration 4s --step 10ms --model gb200-nvl72
check "llm-training on a GB200: 132 kW high, 40 kW low" \
    awk -F, 'NR > 1 { if ($3 > hi) hi = $3; if (lo == "" || $3 < lo) lo = $3 }
        END { exit !(hi == 132 && lo == 40) }' "$tmp/out"
run profile show sync-training
check "profile show says u is a fraction of p-max" \
    grep -q "^u is a fraction of a rack's p-max: rack power = max(p-idle, u p-max)" "$tmp/out"

# seeded: the same seed gives the same faults, another seed others
run profile export training-faults --duration 24h --step 10s --seed 5
cp "$tmp/out" "$tmp/f5a"
run profile export training-faults --duration 24h --step 10s --seed 5
check "same seed, same trace" cmp -s "$tmp/out" "$tmp/f5a"
run profile export training-faults --duration 24h --step 10s --seed 6
check "another seed, another trace" sh -c "! cmp -s '$tmp/out' '$tmp/f5a'"

# ------------------------------------------------- a row's profile
# the row runs the UPS test; A08 names its own profile (idle), which wins
sed -e 's|<row id="A" cdu="cdu-1" busway="bw-a">|<row id="A" cdu="cdu-1" busway="bw-a" profile="ups-test">|' \
    -e 's|<rack id="A01..A08" model="gb200-nvl72"/>|<rack id="A01..A07" model="gb200-nvl72"/><rack id="A08" model="gb200-nvl72" profile="idle"/>|' \
    "$row" >"$tmp/rowprof.xml"
run simulate "$tmp/rowprof.xml" --duration 10s --output-step 1s -q \
    --probe 'A01.P_kW,A08.P_kW' --out "$tmp/rp"
check "a row profile runs (got $rc)" [ "$rc" -le 1 ]
check "a rack without a profile runs its row's (118.8 kW at 1 s)" \
    near "$(at "$tmp/rp/timeseries.csv" A01.P_kW 1)" 118.8 1e-6
check "... 66 kW at 3 s" near "$(at "$tmp/rp/timeseries.csv" A01.P_kW 3)" 66 1e-4
check "a rack's own profile wins (idle: u = 0.1 is below p-idle, 40 kW)" \
    near "$(at "$tmp/rp/timeseries.csv" A08.P_kW 3)" 40 1e-6
sed -e 's|<row id="A" cdu="cdu-1" busway="bw-a">|<row id="A" cdu="cdu-1" busway="bw-a" profile="nosuch">|' \
    "$row" >"$tmp/rowbad.xml"
run validate "$tmp/rowbad.xml"
check "a row naming an unknown profile is an input error (got $rc)" [ "$rc" -eq 3 ]

sed -e 's|<row id="A" cdu="cdu-1" busway="bw-a">|<profile id="m2" type="mix" profiles="sync-training nosuch" fractions="0.5 0.5"/><row id="A" cdu="cdu-1" busway="bw-a">|' \
    "$row" >"$tmp/mixbad.xml"
run validate "$tmp/mixbad.xml"
check "a mix of an unknown profile is an input error (got $rc)" [ "$rc" -eq 3 ]
check "... naming it" grep -q "'nosuch' in profiles= is neither" "$tmp/err"

# ------------------------------------------- scale=, target=, profile=
run simulate "$row" --scenario "$data/scn-scale.xml" --duration 100s \
    --output-step 1s -q --probe 'A01.P_kW,A02.P_kW' --out "$tmp/scl"
check "scale scenario runs (got $rc)" [ "$rc" -le 1 ]
ts="$tmp/scl/timeseries.csv"
check "before any event: 132 kW" near "$(at "$ts" A02.P_kW 29)" 132 1e-6
check "scale=0.5 on A02 only: 66 kW" near "$(at "$ts" A02.P_kW 31)" 66 1e-6
check "... A01 keeps 132 kW" near "$(at "$ts" A01.P_kW 31)" 132 1e-6
check "scale=0.8 on every rack replaces 0.5: 105.6 kW" \
    near "$(at "$ts" A02.P_kW 61)" 105.6 1e-6
check "profile=ups-test on row A from 90 s: 90 % at 91 s" \
    near "$(at "$ts" A01.P_kW 91)" 118.8 1e-6
check "... and 50 % at 93 s (its own time base)" \
    near "$(at "$ts" A01.P_kW 93)" 66 1e-4
check "the events are logged" grep -q '^30,A02,scale-0.5$' "$tmp/scl/events.csv"
check "an all-rack event is logged" grep -q '^60,all-racks,scale-0.8$' "$tmp/scl/events.csv"
check "a profile switch is logged" grep -q '^90,A,profile-ups-test$' "$tmp/scl/events.csv"

# ------------------------------------------------------------ weather=
run simulate "$row" --scenario "$data/scn-weather.xml" --duration 12min \
    --output-step 60s -q --probe 'fws.T_supply_degC,dry.T_air_degC' \
    --out "$tmp/wx"
ts="$tmp/wx/timeseries.csv"
check "weather: the air is the site's before 1 min" near "$(at "$ts" dry.T_air_degC 60)" 25 0.01
# 60 s into the file (0 -> 600 s: 25 -> 40 degC): 26.5 degC at 120 s
check "weather: interpolated 26.5 degC at 2 min" near "$(at "$ts" dry.T_air_degC 120)" 26.5 0.01
check "weather: 40 degC at 11 min" near "$(at "$ts" dry.T_air_degC 660)" 40 0.01
check "weather: the facility supply follows (above 35 degC)" \
    awk -v x="$(at "$ts" fws.T_supply_degC 720)" 'BEGIN { exit !(x > 35) }'
check "weather: the hot day violates a margin (got $rc)" [ "$rc" -eq 1 ]
check "the weather event is logged" grep -q '^60,ambient,weather-file$' "$tmp/wx/events.csv"

# weather= at t = 0: the run settles at the weather of t = 0 (20 degC),
# not at the site's 25 degC, so the dry coolers' fans start where they
# stay (before the fix: 63.7 % at t = 0, falling to 34.6 % by 10 min)
printf 't_s,T_db_degC,T_wb_degC\n0,20,15\n3600,20,15\n' >"$tmp/cool.csv"
printf '<scenario name="cool-start">\n  <event t="0 s" weather="cool.csv"/>\n</scenario>\n' \
    >"$tmp/cool.xml"
run simulate "$row" --scenario "$tmp/cool.xml" --duration 10min \
    --output-step 60s -q --probe 'dry.fan_pct,dry.T_air_degC' --out "$tmp/wx0"
ts="$tmp/wx0/timeseries.csv"
check "weather at t = 0: the run is clean (got $rc)" [ "$rc" -eq 0 ]
check "weather at t = 0: 20 degC air from t = 0" near "$(at "$ts" dry.T_air_degC 0)" 20 1e-9
check "weather at t = 0: settled there (fans at 0 s = fans at 10 min)" \
    near "$(at "$ts" dry.fan_pct 0)" "$(at "$ts" dry.fan_pct 600)" 0.05

# ------------------------- fail= of a facility loop and of the hall air
# the facility pumps stop for 30 s: no facility water reaches the CDU, the
# racks' supply rises and the GPUs throttle; restored, the flow comes back
printf '<scenario name="fws-stop"><event t="60 s" fail="fws"/><event t="90 s" restore="fws"/></scenario>\n' \
    >"$tmp/fws.xml"
run simulate "$row" --scenario "$tmp/fws.xml" --duration 300s --output-step 1s -q \
    --out "$tmp/fws"
check "facility pumps lost for 30 s: exit 1 (got $rc)" [ "$rc" -eq 1 ]
ts="$tmp/fws/timeseries.csv"
check "no facility water at 75 s" near "$(at "$ts" cdu-1.flow_primary_Lpm 75)" 0 0
check "no loop flow at 75 s" near "$(at "$ts" fws.flow_Lpm 75)" 0 0
check "facility water back at 120 s" \
    awk -v x="$(at "$ts" cdu-1.flow_primary_Lpm 120)" 'BEGIN { exit !(x > 100) }'
check "the racks' supply rises while it is lost (above 40 degC at 89 s)" \
    awk -v x="$(at "$ts" cdu-1.T_supply_degC 89)" 'BEGIN { exit !(x > 40) }'
tt=$(throttle_after "$tmp/fws" fws 60)
check "the time to throttle after the loss of facility water: $tt s (0 < t < 30)" \
    awk -v x="$tt" 'BEGIN { exit !(x != "" && x > 0 && x < 30) }'
# the chilled water is lost for 60 s: every CRAH stops and the hall air
# warms at Q_in / C_h, C_h = 1.16 x 1006 x 800 m3 x 5 = 4.668 MJ/K, Q_in
# the CRAH duty just before (constant load)
printf '<scenario name="chw"><event t="60 s" fail="hall"/><event t="120 s" restore="hall"/></scenario>\n' \
    >"$tmp/chw.xml"
run simulate "$row" --scenario "$tmp/chw.xml" --duration 200s --output-step 1s -q \
    --out "$tmp/chw"
ts="$tmp/chw/timeseries.csv"
check "no CRAH duty while the hall air has failed" near "$(at "$ts" hall.Q_crah_kW 90)" 0 0
q=$(at "$ts" hall.Q_crah_kW 59)
t1=$(at "$ts" hall.T_degC 60)
t2=$(at "$ts" hall.T_degC 110)
check "the hall warms at Q_in / C_h: ($t2 - $t1) / 50 s against $q kW / 4.668 MJ/K" \
    awk -v a="$t1" -v b="$t2" -v q="$q" 'BEGIN { r = (b - a) / 50 / (q * 1e3 / (1.16 * 1006 * 800 * 5)); exit !(r > 0.995 && r < 1.005) }'
check "the CRAHs run again after the restore" \
    awk -v x="$(at "$ts" hall.Q_crah_kW 121)" 'BEGIN { exit !(x > 0) }'
# one of the three CRAHs lost: the other two settle where
# 2/3 Q_tot (T - 18) / (27 - 18) = Q_in, i.e. T = 18 + 9 Q_in / 150 kW
printf '<scenario name="crah"><event t="60 s" fail="hall" units="1"/></scenario>\n' \
    >"$tmp/crah.xml"
run simulate "$row" --scenario "$tmp/crah.xml" --duration 1h --output-step 1min -q \
    --out "$tmp/crah"
check "one CRAH of an N+1 hall lost: exit 0 (got $rc)" [ "$rc" -eq 0 ]
ts="$tmp/crah/timeseries.csv"
q=$(at "$ts" hall.Q_crah_kW 3600)
check "two CRAHs: the hall settles at 18 + 9 x $q / 150 degC" \
    near "$(at "$ts" hall.T_degC 3600)" "$(awk -v q="$q" 'BEGIN { print 18 + 9 * q / 150 }')" 0.01

# -------------------------- other heat rejection: chillers and a tower
# The A.1 row with its dry coolers replaced by 2 x chiller-1mw (N+1, the
# spare on standby), then by one cooling-tower-3mw; constant full load.
sed -e 's|model="drycooler-600kw" count="3"|model="chiller-1mw" count="2"|' \
    "$top_srcdir/sites/gb200-row.xml" >"$tmp/chill.xml"
grep -q 'model="chiller-1mw" count="2"' "$tmp/chill.xml" ||
    fail "the chiller site was not made"
cat >"$tmp/chill-scn.xml" <<'XML'
<scenario name="chiller-loss">
  <event t="10 min" fail="dry" units="1"/>
  <event t="20 min" fail="dry"/>
  <event t="21 min" restore="dry"/>
</scenario>
XML
run simulate "$tmp/chill.xml" --scenario "$tmp/chill-scn.xml" --duration 40min \
    --output-step 1min -q --out "$tmp/ch"
check "chillers: the whole plant lost for 1 min violates a margin (got $rc)" [ "$rc" -eq 1 ]
ts="$tmp/ch/timeseries.csv"
check "chillers hold the facility supply at 31 degC" \
    near "$(at "$ts" fws.T_supply_degC 540)" 31 0.05
# Carnot chiller: COP = 0.3 T_ev / max(T_db + 5 + 2 - T_ev, 10 K),
# T_ev = T_hr - 2 K; at 25 degC air and 31 degC water the lift is the
# 10 K floor: COP = 0.3 x 302.15 / 10 = 9.06 (P = Q / COP + nothing else)
q=$(at "$ts" dry.Q_kW 540)
p=$(at "$ts" dry.P_kW 540)
th=$(at "$ts" dry.T_out_degC 540)
check "chiller power is Q / COP: $p kW for $q kW at $th degC" \
    awk -v q="$q" -v p="$p" -v t="$th" 'BEGIN { tev = t + 273.15 - 2; lift = 25 + 5 + 2 - (t - 2); if (lift < 10) lift = 10
        cop = 0.3 * tev / lift; r = p / (q / cop); exit !(r > 0.999 && r < 1.001) }'
# the running chiller trips at 10 min: the standby one takes over
check "the standby chiller takes over (31 degC at 15 min)" \
    near "$(at "$ts" fws.T_supply_degC 900)" 31 0.05
check "no heat rejected while the plant has failed" near "$(at "$ts" dry.Q_kW 1260)" 0 0
check "the loop warms while the plant has failed (above 31.5 degC at 21 min)" \
    awk -v x="$(at "$ts" fws.T_supply_degC 1260)" 'BEGIN { exit !(x > 31.5) }'
check "restored, the chillers pull it back (31 degC at 40 min)" \
    near "$(at "$ts" fws.T_supply_degC 2400)" 31 0.05
closes "$tmp/ch" "chillers"
# restart after a supply loss: the row has no generator, so the chillers
# (feed=generator) are on the grid: lost at 30 s, supply back at 330 s,
# compressors running again restart-delay = 45 s later (chiller-1mw;
# dctwin-models(7), Chiller); the loop keeps warming until then
run simulate "$tmp/chill.xml" --scenario "$top_srcdir/sites/scenarios/grid-loss.xml" \
    --duration 380s --output-step 1s --probe 'dry.*' -q --out "$tmp/chr"
check "chiller restart: ran (exit $rc)" [ "$rc" -le 1 ]
ts="$tmp/chr/timeseries.csv"
check "chiller restart: no heat rejected 1 s after the supply returns" \
    near "$(at "$ts" dry.Q_kW 331)" 0 0
check "chiller restart: none 1 s before restart-delay (374 s)" \
    near "$(at "$ts" dry.Q_kW 374)" 0 0
check "chiller restart: running at 330 + 45 s" \
    awk -v x="$(at "$ts" dry.Q_kW 375)" 'BEGIN { exit !(x > 500) }'
check "chiller restart: the outlet warms during the delay" \
    awk -v a="$(at "$ts" dry.T_out_degC 331)" -v b="$(at "$ts" dry.T_out_degC 374)" \
        'BEGIN { exit !(b > a + 0.5) }'
run simulate "$tmp/chill.xml" --scenario "$top_srcdir/sites/scenarios/grid-loss.xml" \
    --duration 335s --output-step 1s --probe 'dry.*' --set 'dry.restart-delay=0s' \
    -q --out "$tmp/chr0"
check "chiller restart-delay 0: running 1 s after the supply returns" \
    awk -v x="$(at "$tmp/chr0/timeseries.csv" dry.Q_kW 331)" 'BEGIN { exit !(x > 500) }'
# the chillers' ambient headroom: capacity n Q_rat (1 - 0.01 (T_db - 35))
# falls to the load Q at T_db = 35 + (1 - Q / 1 MW) / 0.01, one chiller
# running (the other stands by)
run simulate "$tmp/chill.xml" --duration 20min --output-step 1min -q --out "$tmp/ch0"
h=$(awk -F, '$1 == "dry.T_air_headroom.ambient" { print $7 }' "$tmp/ch0/margins.csv")
q=$(at "$tmp/ch0/timeseries.csv" dry.Q_kW 1200)
check "chillers: ambient headroom $h K = 35 + (1 - $q / 1000) / 0.01 - 25" \
    awk -v h="$h" -v q="$q" 'BEGIN { e = 35 + (1 - q / 1000) / 0.01 - 25; d = h - e; exit !(d * d < 0.01) }'

sed -e 's|model="drycooler-600kw" count="3"|model="cooling-tower-3mw" count="1"|' \
    -e 's|redundancy="N+1" spares="standby"/>|/>|' \
    "$top_srcdir/sites/gb200-row.xml" >"$tmp/tower.xml"
run simulate "$tmp/tower.xml" --duration 30min --output-step 1min -q --out "$tmp/tw"
check "a cooling tower carries the row (got $rc)" [ "$rc" -eq 0 ]
ts="$tmp/tw/timeseries.csv"
check "the tower works against the 18 degC wet bulb" \
    near "$(at "$ts" dry.T_air_degC 1800)" 18 1e-9
# a 3 MW tower on 0.93 MW: with its fans stopped it would still cool the
# water below the setpoint on free convection; the bypass valve holds
# the setpoint (HEAT REJECTION in dctwin-models(7)), fans off
check "the oversized tower stops its fans" \
    near "$(at "$ts" dry.fan_pct 1800)" 0 1e-9
check "and bypasses part of the flow ($(at "$ts" dry.bypass_pct 1800) %)" \
    awk -v x="$(at "$ts" dry.bypass_pct 1800)" 'BEGIN { exit !(x > 0 && x < 100) }'
check "and holds the facility water at its 31 degC setpoint" \
    near "$(at "$ts" fws.T_supply_degC 1800)" 31 0.01
# steady state: the heat rejected is the heat the water brings back
# plus the loop pump's heat
q=$(at "$ts" dry.Q_kW 1800)
ql=$(awk -v f="$(at "$ts" fws.flow_Lpm 1800)" -v tr="$(at "$ts" fws.T_return_degC 1800)" \
    -v ts="$(at "$ts" fws.T_supply_degC 1800)" -v p="$(at "$ts" fws.P_pump_kW 1800)" \
    'BEGIN { print f / 60000 * 994 * 4180 * (tr - ts) / 1000 + p }')
check "tower: Q $q kW = mdot c_W (T_ret - T_sup) + P_pump = $ql kW" \
    awk -v a="$q" -v b="$ql" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-3 * b) }'
closes "$tmp/tw" "tower"
# at a wet bulb of 24 degC the fans cycle at their 10 % minimum speed:
# on for the duty d of the time, fan_pct = 100 d x 0.1 and the fan power
# d x 45 kW x 0.1^3; the setpoint is held, no bypass
run simulate "$tmp/tower.xml" --duration 30min --output-step 1min -q \
    --set ambient.wet-bulb=24degC --set ambient.dry-bulb=32degC --out "$tmp/twc"
ts="$tmp/twc/timeseries.csv"
fp=$(at "$ts" dry.fan_pct 1800)
check "cycling tower: fan_pct $fp % between 0 and 10" \
    awk -v x="$fp" 'BEGIN { exit !(x > 0 && x < 10) }'
check "cycling tower: fan power = (fan_pct / 10) x 45 kW x 0.001" \
    near "$(at "$ts" dry.P_kW 1800)" "$(awk -v x="$fp" 'BEGIN { print x / 10 * 45 * 0.001 }')" 1e-6
check "cycling tower: no bypass" near "$(at "$ts" dry.bypass_pct 1800)" 0 1e-9
check "cycling tower: the facility water at its 31 degC setpoint" \
    near "$(at "$ts" fws.T_supply_degC 1800)" 31 0.01
closes "$tmp/twc" "cycling tower"

# ---------------- the fans of a dry cooler stop on a hot afternoon
run simulate "$top_srcdir/sites/gb200-row.xml" \
    --scenario "$top_srcdir/sites/scenarios/dry-cooler-fan-loss-hot.xml" \
    --duration 1h --output-step 1min -q --out "$tmp/df"
check "fans of a dry cooler lost at 33 degC: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "the fan stop is logged at 10 min" \
    grep -q '^600,dry,fans-stopped-1$' "$tmp/df/events.csv"
check "and the restart at 50 min" \
    grep -q '^3000,dry,fans-restarted-1$' "$tmp/df/events.csv"
f="$tmp/df/timeseries.csv"
# two units run (the spare stands by), fans at full speed on the hot day:
# P = n_fans p_fan y^3 = 2 x 24 kW, then 1 x 24 kW with one unit's stopped
check "both running units' fans at full speed: 48 kW" \
    near "$(at "$f" dry.P_kW 540)" 48 1e-6
check "one unit's fans stopped: 24 kW" near "$(at "$f" dry.P_kW 1800)" 24 1e-6
check "the loop runs warmer without them" \
    awk -v a="$(at "$f" fws.T_supply_degC 540)" -v b="$(at "$f" fws.T_supply_degC 2940)" 'BEGIN { exit !(b > a + 5) }'
check "the GPUs throttle" \
    awk -v x="$(at "$f" A01.gpu_power_pct 2940)" 'BEGIN { exit !(x < 100) }'
check "restarted, the fans run again" near "$(at "$f" dry.P_kW 3540)" 48 1e-6
tt=$(throttle_after "$tmp/df" dry 600)
check "the time to throttle after the fan stop: $tt s" \
    awk -v x="$tt" 'BEGIN { exit !(x != "" && x > 0 && x < 3000) }'
closes "$tmp/df" "fans stopped"

printf '<scenario><event t="10 s" fail="dry" fans="1"/></scenario>\n' >"$tmp/chfan.xml"
run simulate "$tmp/chill.xml" --scenario "$tmp/chfan.xml" --duration 20s -q --out "$tmp/o-chfan"
check "fans= on chillers: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "fans= on chillers: says why" grep -q "only the units of a dry cooler or cooling tower have fans" "$tmp/err"

# ---------------------------------------------------------------- errors
bad() { # bad NAME EVENT-ATTRIBUTES MESSAGE
    printf '<scenario name="%s">\n  <event t="10 s" %s/>\n</scenario>\n' "$1" "$2" \
        >"$tmp/$1.xml"
    run simulate "$row" --scenario "$tmp/$1.xml" --duration 20s -q --out "$tmp/o-$1"
    check "$1: exit 3 (got $rc)" [ "$rc" -eq 3 ]
    check "$1: says '$3'" grep -q "$3" "$tmp/err"
}
bad no-profile 'profile="nosuch"' 'profile="nosuch": not a profile'
bad no-target 'scale="0.5" target="nosuch"' 'target="nosuch": not a row or rack'
bad bad-scale 'scale="1.5"' 'scale="1.5": expected a number from 0 to 1'
bad no-weather 'weather="nosuch.csv"' 'cannot read weather file'
bad target-alone 'fail="cdu-1" target="A"' 'target= goes with profile= or scale='
bad fans-units 'fail="dry" fans="1" units="1"' 'fans= and units= together'
bad fans-bad 'fail="dry" fans="0"' 'fans="0": expected a whole number'
bad fans-cdu 'fail="cdu-1" fans="1"' "fans= with 'cdu-1'"
bad units-busway 'fail="bw-a" units="1"' "units= with 'bw-a': a busway fails whole"
bad not-failable 'fail="A01"' "'A01' cannot fail"
printf 't_s,T_db\n0,25\n10,30\n' >"$tmp/badwx.csv"
bad bad-header 'weather="badwx.csv"' "weather header must be"

# ------------------------------------------------ shipped scenarios
run simulate "$row" --scenario "$top_srcdir/sites/scenarios/job-start.xml" \
    --duration 310s --output-step 1s -q --probe 'A01.P_kW,A08.P_kW' --out "$tmp/js"
check "job-start runs (got $rc)" [ "$rc" -le 1 ]
ts="$tmp/js/timeseries.csv"
# idle: u = 0.1 is below p-idle, so 40 kW; at 300 s every rack ramps to
# full power in 0.3 s and trains on a 1.5 s cycle that starts there
check "job-start: idle hall at 299 s (40 kW)" near "$(at "$ts" A01.P_kW 299)" 40 1e-6
# 2 s after the start: x = 0.5 s of the 1.5 s cycle, the compute phase
check "job-start: every rack started (132 kW at 302 s)" near "$(at "$ts" A08.P_kW 302)" 132 1e-6
check "job-start: the communication phase at 301 s (max(40, 0.3 x 132) = 40 kW)" near "$(at "$ts" A01.P_kW 301)" 40 1e-6
check "job-start: margins name the scenario" grep -q 'scenario job-start$' "$tmp/js/margins.txt"
run simulate "$row" --scenario "$top_srcdir/sites/scenarios/checkpoint-storm.xml" \
    --duration 150s --output-step 1s -q --probe 'A01.P_kW,A08.P_kW' --out "$tmp/cs"
check "checkpoint-storm runs (got $rc)" [ "$rc" -le 1 ]
ts="$tmp/cs/timeseries.csv"
# every rack at 0.15 from 120 s to 132 s: below p-idle, so 40 kW
check "checkpoint storm: A01 dips at 125 s" near "$(at "$ts" A01.P_kW 125)" 40 1e-6
check "checkpoint storm: A08 dips with it" near "$(at "$ts" A08.P_kW 125)" 40 1e-6
# 125 s, 110 s and 137 s are 0.5 s into a 1.5 s cycle: the compute phase
check "checkpoint storm: back to training at 137 s" \
    awk -v x="$(at "$ts" A01.P_kW 137)" 'BEGIN { exit !(x > 60) }'
check "checkpoint storm: training before it (110 s)" \
    awk -v x="$(at "$ts" A01.P_kW 110)" 'BEGIN { exit !(x > 60) }'

finish
