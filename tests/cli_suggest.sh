#!/bin/sh
# cli_suggest.sh - "did you mean" for misspelt commands, options, ids and
# parameters, and the customary units on the command line.
#
# Each misspelling must still fail with its documented status (2 usage,
# 3 input) and name the nearest valid word; a word with nothing near gets
# no suggestion.
test_name=cli_suggest
. "$top_srcdir/tests/testlib.sh"

site="$top_srcdir/sites/gb200-row.xml"

# has TEXT: stderr of the last run holds TEXT
has() { grep -qF -- "$1" "$tmp/err"; }

run simulat
check "simulat: exit 2 ($rc)" [ "$rc" -eq 2 ]
check "simulat: suggests simulate" has "did you mean 'simulate'?"
run valdiate "$site"
check "valdiate: a transposition suggests validate" has "did you mean 'validate'?"
run zzzzzzzz
check "zzzzzzzz: exit 2" [ "$rc" -eq 2 ]
check "zzzzzzzz: nothing suggested" sh -c "! grep -q 'did you mean' '$tmp/err'"

run simulate "$site" --dration 1min
check "--dration: exit 2 ($rc)" [ "$rc" -eq 2 ]
check "--dration: suggests --duration" has "did you mean '--duration'?"
run simulate "$site" --profle=constant
check "--profle=: suggests --profile" has "did you mean '--profile'?"
run validate --sett x "$site"
check "validate --sett: suggests --set" has "did you mean '--set'?"
run plot --formt svg "$tmp"
check "plot --formt: suggests --format" has "did you mean '--format'?"

run validate --set cdu-1.supplysetpoint=40degC "$site"
check "supplysetpoint: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "supplysetpoint: suggests supply-setpoint" has "did you mean 'supply-setpoint'?"
run validate --set cdu1.supply-setpoint=40degC "$site"
check "cdu1: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "cdu1: suggests cdu-1" has "did you mean 'cdu-1'?"
run validate --set ambeint.dry-bulb=30degC "$site"
check "ambeint: suggests ambient" has "did you mean 'ambient'?"

cat >"$tmp/scn.xml" <<'XML'
<scenario name="typo">
  <event t="10 s" fail="cdu-l"/>
</scenario>
XML
run simulate "$site" --scenario "$tmp/scn.xml" --duration 20s --out "$tmp/r"
check "scenario fail=cdu-l: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "scenario fail=cdu-l: suggests cdu-1" has "did you mean 'cdu-1'?"

# Customary units: 95 degF is 35 degC; the dry bulb is echoed in degC in
# run.json's inputs, so the two runs must give the same margins.
run margins "$site" --duration 30s --set ambient.dry-bulb=95degF --format csv
check "95degF: runs ($rc)" [ "$rc" -le 1 ]
cp "$tmp/out" "$tmp/f.csv"
run margins "$site" --duration 30s --set ambient.dry-bulb=35degC --format csv
check "35degC: runs ($rc)" [ "$rc" -le 1 ]
check "95 degF gives the margins of 35 degC" cmp -s "$tmp/out" "$tmp/f.csv"
run margins "$site" --duration 30s --set 'ambient.dry-bulb=35 °C' --format csv
check "35 °C gives the margins of 35 degC" cmp -s "$tmp/out" "$tmp/f.csv"
run validate --set 'cdu-1.approach=5 degF' "$site"
check "an approach in degF: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "an approach in degF: a difference takes K" has "a temperature difference takes 'K'"

finish
