#!/bin/sh
# cli_weather.sh - --weather, --start and --design on the shipped weather
# files (issue 16): the day and year units, a year on the Greensboro TMY3
# (no violation at t = 0, PUE equal to the ledger's ratio, summary.html),
# the Dulles design conditions, cooling-tower water against latent heat /
# h_fg, and every option and file error.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_weather
. "${top_srcdir:-.}/tests/testlib.sh"

row="$top_srcdir/sites/gb200-row.xml"
tower="$top_srcdir/tests/data/tower-row.xml"
tmy3=723170TYA.CSV          # found in the weather directory
epw=USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3.first48h.epw
# DCTWIN_WEATHER_PATH is not set: the build tree's weather/ is searched
unset DCTWIN_WEATHER_PATH || true

num() { # num FILE KEY: the first number after "KEY": in FILE
    sed -n "s/.*\"$2\":\([-+0-9.eE]*\).*/\1/p" "$1" | head -n 1
}
near() { # near A B TOL: |A - B| <= TOL
    awk -v a="$1" -v b="$2" -v t="$3" \
        'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'
}
col() { # col CSV NAME T: the value of column NAME at time T
    awk -F, -v c="$2" -v t="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        NR > 1 && $1 == t { v = $k } END { print v }' "$1"
}

# --------------------------------------------------------- the day unit
run simulate "$row" --duration 7d --output-step 1d -q --out "$tmp/d7"
check "--duration 7d is accepted (got $rc)" [ "$rc" -eq 0 ]
check "... 7 days, 604800 s" near "$(num "$tmp/d7/run.json" duration_s)" 604800 0

# ------------------------------------------- a year on Greensboro TMY3
run simulate "$row" --weather "$tmy3" --duration 1y -q --out "$tmp/year"
check "a year on the TMY3 runs (margins over the limit in summer: got $rc)" \
    [ "$rc" -eq 1 ]
j="$tmp/year/run.json"
check "8760 h in hourly rows (8761 with t = 0)" \
    [ "$(wc -l <"$tmp/year/timeseries.csv")" -eq 8762 ]
check "the run starts on the file's first hour" \
    grep -q '"start":"01-01 00:00"' "$j"
check "the dry coolers see the file's 2.2 degC at t = 0 (24:00 on Dec 31)" \
    near "$(col "$tmp/year/timeseries.csv" dry.T_air_degC 0)" 2.2 1e-9
check "... and 10.0 degC at 01:00" \
    near "$(col "$tmp/year/timeseries.csv" dry.T_air_degC 3600)" 10.0 1e-9
# no margin is violated at t = 0: the run settles at the weather of t = 0
check "no margin violated at t = 0" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "t_violation_s") k = i; next }
    $k != "" && $k + 0 == 0 { bad = 1 } END { exit bad }' "$tmp/year/margins.csv"
# PUE = (it + aux + losses) / it of the ledger, to 1e-9
pue=$(num "$j" pue)
ratio=$(tr -d '\n ' <"$j" | awk '
    function after(s, k) { return substr(s, index(s, "\"" k "\":") + length(k) + 3) }
    {
    s = after($0, "ledger")
    it = after(s, "it_J") + 0
    aux = after(s, "aux_J"); aux = substr(aux, 2, index(aux, "}") - 2)
    los = after(s, "losses_J"); los = substr(los, 2, index(los, "}") - 2)
    t = it; n = split(aux "," los, a, ",")
    for (i = 1; i <= n; i++) { sub(/.*:/, "", a[i]); t += a[i] }
    printf "%.12g\n", t / it }')
check "PUE $pue = the ledger's (it + aux + losses) / it $ratio to 1e-9" \
    awk -v a="$pue" -v b="$ratio" 'BEGIN { d = (a - b) / b; if (d < 0) d = -d; exit !(d <= 1e-9) }'
check "twelve months of PUE" [ "$(tr '{' '\n' <"$j" | grep -c '"month":')" -eq 12 ]
check "8760 whole hours in the hourly PUE" grep -q '"hourly_pue":{"hours":8760,' "$j"
vs=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "violated_s") k = i; next }
    $1 == "fws.T_supply.w-class" { print $k }' "$tmp/year/margins.csv")
check "run.json's hours over the W32 limit = margins.csv's violated_s / 3600" \
    near "$(tr -d '\n' <"$j" | sed -n 's/.*"hours_over_limit":{[^}]*"fws.T_supply.w-class":\([-+0-9.eE]*\).*/\1/p')" \
    "$(awk -v v="$vs" 'BEGIN { print v / 3600 }')" 1e-3
check "dry coolers only: no chiller hours" near "$(num "$j" chiller_hours)" 0 0
s="$tmp/year/summary.html"
check "summary.html is written" [ -s "$s" ]
check "... and listed in the manifest" grep -q ' summary.html$' "$tmp/year/manifest.sha256"
check "... shows the annual PUE of run.json" \
    grep -q "<td class=\"n\">$(printf '%.4f' "$pue")</td>" "$s"
check "... energy by subsystem" grep -q 'Energy by subsystem' "$s"
# (about 545 h: the dry coolers are rated at 25 degC; margins.csv's
# violated_s in hours, to the table's 4 significant digits)
hv=$(awk -v v="$vs" 'BEGIN { printf "%.4g", v / 3600 }')
check "... the hours over each limit (facility supply: $hv h, 540-550 h)" \
    sh -c "grep -q 'facility supply within ASHRAE W32</td>.*>$hv h</td></tr>' '$s' &&
           awk -v h='$hv' 'BEGIN { exit !(h >= 540 && h <= 550) }'"
check "... the warmest hour as a calendar date (07-09, 35.6 degC)" \
    grep -q '<td>07-09 1[0-9]:00</td><td class="n">35.6 &deg;C' "$s"
check "... the events by kind (margin-violated once, 12 margins)" \
    grep -q '<tr><td>margin-violated</td><td class="n">12</td></tr>' "$s"
check "... self-contained (no script, no external file)" \
    sh -c "! grep -q -e '<script' -e ' src=' -e '<link' '$s'"

# ------------------------------------------------ the start of the run
run simulate "$row" --weather "$tmy3" --start 07-09T14 --duration 2h -q \
    --out "$tmp/jul"
check "--start 07-09T14: the record of 14:00, 35.6 degC, at t = 0 (rc $rc)" \
    near "$(col "$tmp/jul/timeseries.csv" dry.T_air_degC 0)" 35.6 1e-9

# ------------------------------------------------------- design days
run capacity "$row" --add gb200-nvl72 --weather "$epw" --design cooling-0.4 \
    --duration 10min
check "capacity at Dulles cooling 0.4 % answers (got $rc)" [ "$rc" -le 1 ]
check "... and says it is at 34.1 degC, MCWB 23.9 degC" grep -q \
    'design condition cooling-0.4 of .*: dry bulb 34.1 degC, mean coincident wet bulb 23.9 degC' \
    "$tmp/out"
run simulate "$row" --weather "$epw" --design extreme-50y --duration 10min \
    --output-step 1min -q --out "$tmp/x50"
check "extreme-50y: 41.1 degC air" \
    near "$(col "$tmp/x50/timeseries.csv" dry.T_air_degC 600)" 41.1 1e-9
check "... in run.json" near "$(num "$tmp/x50/run.json" T_db_degC)" 41.1 1e-9
check "... with the extreme maximum wet bulb 28.9 degC" \
    near "$(num "$tmp/x50/run.json" T_wb_degC)" 28.9 1e-9

# contingency and sweep take the same options
run contingency "$row" --weather "$epw" --design extreme-5y --duration 1min \
    --at 10s --only cdu -j 1 --out "$tmp/ct"
check "contingency at Dulles extreme-5y runs (got $rc)" [ "$rc" -le 1 ]
check "... and says it is at 37.5 degC" grep -q \
    'contingency at the design condition extreme-5y of .*: dry bulb 37.5 degC' "$tmp/out"
run sweep "$row" --weather "$tmy3" --design cooling-1 \
    --vary 'cdu-1.supply-setpoint=34degC..36degC/2K' -j 1 --out "$tmp/sw"
check "sweep --design on a TMY3 file: exit 3 (got $rc)" [ "$rc" -eq 3 ]

# ------------------------------------------------------ tower water
run simulate "$tower" --weather "$tmy3" --start 07-01 --duration 7d -q \
    --out "$tmp/tw"
check "a week of the tower site in July runs (got $rc)" [ "$rc" -le 1 ]
j="$tmp/tw/run.json"
lat=$(num "$j" latent_heat_J)
ev=$(num "$j" evaporation_L)
# the tower water leaves at the 31 degC setpoint: h_fg = 2501 + 1.86 t -
# 4.186 t kJ/kg, 997 kg/m3
check "evaporation $ev L = latent heat $lat J / h_fg within 1 %" \
    awk -v e="$ev" -v q="$lat" 'BEGIN { h = (2501 + (1.86 - 4.186) * 31) * 1e3;
        w = q / h / 0.997; d = (e - w) / w; if (d < 0) d = -d; exit !(e > 0 && d <= 0.01) }'
tot=$(num "$j" total_L)
it=$(tr -d '\n' <"$j" | sed 's/.*"annual":{//' | sed -n 's/.*"it_J":\([-+0-9.eE]*\).*/\1/p')
wue=$(num "$j" wue_L_per_kWh)
check "WUE $wue = total water / IT kWh" \
    awk -v w="$wue" -v t="$tot" -v i="$it" 'BEGIN { x = t / (i / 3.6e6); d = (w - x) / x; if (d < 0) d = -d; exit !(d <= 1e-6) }'
check "blowdown = evaporation / 3 - drift (4 cycles)" \
    awk -v e="$ev" -v d="$(num "$j" drift_L)" -v b="$(num "$j" blowdown_L)" \
    'BEGIN { x = e / 3 - d; r = (b - x) / x; if (r < 0) r = -r; exit !(r <= 1e-6) }'

# ------------------------------------------------------------- errors
run simulate "$row" --start 07-01 -q --out "$tmp/e1"
check "--start without --weather: exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "... saying so" grep -q -- '--start needs --weather FILE' "$tmp/err"
run simulate "$row" --weather "$tmy3" --design cooling-1 -q --out "$tmp/e2"
check "--design on a TMY3 file: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "... no design conditions" grep -q 'has no design conditions' "$tmp/err"
run simulate "$row" --weather "$epw" --design cooling-5 -q --out "$tmp/e3"
check "an unknown design condition: exit 2 (got $rc)" [ "$rc" -eq 2 ]
run simulate "$row" --weather "$epw" --duration 3d -q --out "$tmp/e4"
check "a run beyond the EPW excerpt's 48 h: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "... naming what the records cover" \
    grep -q 'the records cover 01-01 00:00 to 01-03 00:00 (48 h), not the 72 h' "$tmp/err"
check "... and nothing written" [ ! -e "$tmp/e4" ]
run simulate "$row" --weather "$top_srcdir/tests/data/weather-hot.csv" \
    --start 07-01 -q --out "$tmp/e5"
check "--start on a dctwin CSV: exit 2 (got $rc)" [ "$rc" -eq 2 ]
run simulate "$row" --weather nosuch.epw -q --out "$tmp/e6"
check "a missing weather file: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "... listing the weather directories" grep -q "cannot read weather file 'nosuch.epw': no such file here or in the weather directories" "$tmp/err"
head -n 30 "$top_srcdir/weather/$epw" >"$tmp/cut.epw"
printf '1997,1,2,7,0,?9?9,1.1\n' >>"$tmp/cut.epw"
run simulate "$row" --weather "$tmp/cut.epw" -q --out "$tmp/e7"
check "a truncated EPW: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "... at its FILE:LINE" grep -q "cut.epw:31: error: truncated record: 7 of the 35 fields" "$tmp/err"
# a day far outside any month (found by the weather fuzzer: 1.1e70 was
# converted to int, undefined behaviour) is refused before any use
head -n 8 "$top_srcdir/weather/$epw" >"$tmp/day.epw"
sed -n 9p "$top_srcdir/weather/$epw" | awk -F, -v OFS=, '{ $3 = 40; print }' >>"$tmp/day.epw"
run simulate "$row" --weather "$tmp/day.epw" -q --out "$tmp/e8"
check "an EPW day 40: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "... at its FILE:LINE" grep -q "day.epw:9: error: month 1, day 40: expected a month 1-12 and a day 1-31" "$tmp/err"

finish
