#!/bin/sh
# gen-site.sh N - print a site of N GB200 NVL72 racks: rows of 18 racks,
# one XDU 1350 CDU per 8 racks plus one spare in each row's group, two
# 1,500 A busways per row, enough dry coolers, rectifiers and CRAH units;
# one facility loop and dry-cooler group per 56 rows (1,008 racks).
# Its profile training-async (llm-training, each rack at its own phase
# over the 2 s period) serves B5.  Used by tests/bench/run.sh (B2, B5).  Models from DCTWIN_MODELS_PATH.
set -eu
n=${1:?usage: gen-site.sh N}
rows=$(( (n + 17) / 18 ))
it_kw=$(( n * 132 ))
cdus_per_row=4             # 18 racks x 2.67 kg/s = 48 kg/s: 3 x 20.6 + 1
rows_per_plant=56
plants=$(( (rows + rows_per_plant - 1) / rows_per_plant ))
rect=$(( it_kw / 3500 + 2 ))
crah=$(( it_kw * 13 / 100 / 600 + 2 ))
contract=$(( it_kw * 13 / 10 ))
cat <<HDR
<?xml version="1.0" encoding="UTF-8"?>
<site name="bench-$n" description="benchmark: $n x GB200 NVL72 in $rows rows">
  <include href="racks.xml"/>
  <include href="cdus.xml"/>
  <include href="heat-rejection.xml"/>
  <include href="air.xml"/>
  <include href="power.xml"/>
  <ambient dry-bulb="25 degC" wet-bulb="18 degC" dew-point="12 degC"/>
  <profile id="training-async" type="llm-training" period="2 s" low="0.3"
           edge="50 ms" jitter="2 s"/>
  <power>
    <grid id="utility" contract="$contract kW"/>
    <rectifier id="sst" model="sst-3.5mw" grid="utility" bus="dc-1"
               count="$rect" redundancy="N+1"/>
    <dc-bus id="dc-1" nominal="800 V" capacitance="$(( rows / 2 + 1 )) F"/>
HDR
r=1
while [ "$r" -le "$rows" ]; do
    printf '    <busway id="bw-%d-a" model="busway-1500a" bus="dc-1" length="30 m"/>\n' "$r"
    printf '    <busway id="bw-%d-b" model="busway-1500a" bus="dc-1" length="30 m"/>\n' "$r"
    r=$((r + 1))
done
echo '  </power>'
echo '  <cooling>'
p=1
while [ "$p" -le "$plants" ]; do
    # this plant's rows and racks
    r0=$(( (p - 1) * rows_per_plant + 1 ))
    r1=$(( p * rows_per_plant ))
    [ "$r1" -gt "$rows" ] && r1=$rows
    nr=$(( r1 - r0 + 1 ))
    kw=$(( nr * 18 * 132 ))
    printf '    <heat-rejection id="dry-%d" model="drycooler-600kw" count="%d"\n' "$p" $(( kw * 87 / 100 / 600 + 2 ))
    printf '                    redundancy="N+1"/>\n'
    printf '    <facility-loop id="fws-%d" heat-rejection="dry-%d" supply-setpoint="31 degC"\n' "$p" "$p"
    printf '                   volume="%d m3" segments="5" w-class="W32"/>\n' $(( nr * 2 + 2 ))
    p=$((p + 1))
done
r=1
while [ "$r" -le "$rows" ]; do
    c=1
    while [ "$c" -le "$cdus_per_row" ]; do
        printf '    <cdu id="cdu-%d-%d" model="xdu1350" loop="fws-%d" group="g%d" supply-setpoint="35 degC" redundancy="N+1"/>\n' "$r" "$c" $(( (r - 1) / rows_per_plant + 1 )) "$r"
        c=$((c + 1))
    done
    r=$((r + 1))
done
cat <<AIR
    <hall-air id="hall" volume="$(( rows * 200 + 400 )) m3" mass-factor="5">
      <crah model="fanwall-600kw" count="$crah" redundancy="N+1"/>
    </hall-air>
  </cooling>
AIR
left=$n
r=1
while [ "$r" -le "$rows" ]; do
    k=$(( left < 18 ? left : 18 ))
    cdus=""
    c=1
    while [ "$c" -le "$cdus_per_row" ]; do
        cdus="$cdus cdu-$r-$c"
        c=$((c + 1))
    done
    printf '  <row id="R%d" cdu="%s" busway="bw-%d-a bw-%d-b">\n' "$r" "${cdus# }" "$r" "$r"
    printf '    <rack id="R%d-01..R%d-%02d" model="gb200-nvl72"/>\n' "$r" "$r" "$k"
    printf '  </row>\n'
    left=$((left - k))
    r=$((r + 1))
done
echo '</site>'
