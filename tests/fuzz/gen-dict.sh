#!/bin/sh
# gen-dict.sh SRCDIR - the fuzzing dictionary (libFuzzer/AFL format) on
# stdout, generated from the project's own files so that it follows them:
#   - every element and attribute name and every enumerated value of the
#     schema models/dctwin-site.rng, as XML fragments ("<rack ", " p-max=\"");
#   - the element and attribute names of the shipped scenarios and
#     criteria files (their formats have no schema file);
#   - every unit symbol of src/units.c (with each SI prefix), and the units
#     the component table expects (src/component.h);
#   - the CSV headers of traces, weather files and run directories, and
#     the run-directory file names and JSON keys of a real run when
#     DCTWIN names a built binary.
set -eu
top=${1:?usage: gen-dict.sh SRCDIR}
LC_ALL=C
export LC_ALL

# kw TEXT: one dictionary line, quotes and backslashes escaped
kw() { printf '"%s"\n' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; }

{
rng="$top/models/dctwin-site.rng"
for e in $(sed -n 's/.*<element name="\([^"]*\)".*/\1/p' "$rng" | sort -u); do
    kw "<$e "; kw "</$e>"; kw "$e"
done
for a in $(sed -n 's/.*<attribute name="\([^"]*\)".*/\1/p' "$rng" | sort -u); do
    kw " $a=\""; kw "$a"
done
sed -n 's/.*<value>\([^<]*\)<\/value>.*/\1/p' "$rng" | sort -u |
    while IFS= read -r v; do kw "\"$v\""; kw "$v"; done

# scenarios and criteria: names as they are written in the shipped files
cat "$top"/sites/scenarios/*.xml "$top"/models/criteria/*.xml |
    grep -o '<[a-z][a-z0-9-]*' | sort -u | while IFS= read -r e; do kw "$e "; done
cat "$top"/sites/scenarios/*.xml "$top"/models/criteria/*.xml |
    grep -o ' [a-z][a-z0-9-]*="' | sort -u | while IFS= read -r a; do kw "$a"; done

# units: the symbols of units.c, prefixed, and the expected units
syms=$(sed -n 's/^ *{ "\([^"]*\)", *[0-9].*/\1/p' "$top/src/units.c")
for u in $syms; do
    kw "$u"
    case $u in %|1) continue ;; esac
    for p in n u m c k M G T; do kw "$p$u"; done
done
grep -o 'DCT_PK_Q, "[^"]*"' "$top/src/component.h" |
    sed 's/DCT_PK_Q, "\(.*\)"/\1/' | sort -u | while IFS= read -r u; do
    [ -n "$u" ] && kw "$u"
done
for u in degC degF L/min gpm "/" "*" "^" "(" ")" " " e+ e- 1e308 nan inf \
    0x 1e-9; do
    kw "$u"
done

# CSV headers and run-directory names
for h in t_s t_s,u t_s,P_W t_s,u,P_kW t_s,T_db_degC t_s,T_db_degC,T_wb_degC \
    "@@ timeseries.csv" "@@ margins.csv" "@@ margins.txt" "@@ margins.json" \
    "@@ run.json" "@@ grid.csv" "@@ events.csv" "@@ margins-over-time.csv"; do
    kw "$h"
done
if [ -n "${DCTWIN:-}" ] && [ -x "$DCTWIN" ]; then
    d=$(mktemp -d "${TMPDIR:-/tmp}/dctwin-dict.XXXXXX")
    if DCTWIN_MODELS_PATH="$top/models" "$DCTWIN" simulate \
        "$top/sites/gb200-row.xml" --duration 5s -q --out "$d/run" \
        >/dev/null 2>&1; then
        cat "$d/run/run.json" "$d/run/margins.json" | grep -o '"[a-z_A-Z0-9]*":' |
            sort -u | while IFS= read -r k; do kw "$k"; done
        head -n 1 "$d/run/margins.csv" | tr ',' '\n' | sort -u |
            while IFS= read -r k; do kw "$k"; done
    fi
    rm -rf "$d"
fi
} | awk '!seen[$0]++'
