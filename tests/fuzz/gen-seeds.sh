#!/bin/sh
# gen-seeds.sh SRCDIR OUTDIR - the seed corpora of the fuzz targets, made
# from the shipped files (nothing is copied into tests/fuzz: the seeds
# follow the files they come from), into OUTDIR/TARGET/:
#   site      sites/*.xml, models/*.xml and profiles, tests/data/*.xml and
#             tests/data/bad/*.xml (the refused inputs);
#   units     every quantity written in the shipped XML files, each with
#             the expected unit the target's first byte selects;
#   scenario  sites/scenarios/*.xml, tests/data/scn-*.xml;
#   criteria  models/criteria/*.xml;
#   weather   tests/data/weather-hot.csv, a day made here, and the
#             shipped weather/ files: the EPW excerpt whole, the TMY3
#             year's first 50 lines;
#   trace     load profiles exported by `dctwin profile export` (t_s,u and
#             t_s,P_W) and the traces the tests write;
#   rundir    short runs of the shipped sites by `dctwin simulate`, each
#             packed as "@@ NAME" parts (see fuzz_rundir.c).
# The trace and rundir seeds need DCTWIN (a built dctwin); without it
# those two get a minimal hand-made seed.
set -eu
top=$(cd "${1:?usage: gen-seeds.sh SRCDIR OUTDIR}" && pwd)
out=${2:?usage: gen-seeds.sh SRCDIR OUTDIR}
LC_ALL=C
export LC_ALL
rm -rf "$out"
for t in site units scenario criteria weather trace rundir; do
    mkdir -p "$out/$t"
done
put() { # put TARGET NAME: stdin to OUTDIR/TARGET/NAME
    cat >"$out/$1/$2"
}

for f in "$top"/sites/*.xml "$top"/models/*.xml "$top"/models/profiles/*.xml \
    "$top"/tests/data/*.xml "$top"/tests/data/bad/*.xml; do
    [ -f "$f" ] || continue
    case $f in */scn-*) continue ;; esac
    put site "$(basename "$(dirname "$f")")-$(basename "$f")" <"$f"
done
for f in "$top"/sites/scenarios/*.xml "$top"/tests/data/scn-*.xml; do
    put scenario "$(basename "$f")" <"$f"
done
for f in "$top"/models/criteria/*.xml; do
    put criteria "$(basename "$f")" <"$f"
done

# units: byte 0 picks the expected unit (fuzz_units.c's table, index
# modulo its size); the quantities are those written in the shipped files
i=0
cat "$top"/sites/*.xml "$top"/models/*.xml "$top"/tests/data/*.xml |
    grep -o '="[-+]\{0,1\}[0-9][^"]*"' | sed 's/^="//; s/"$//' |
    sort -u | head -n 400 | while IFS= read -r q; do
    i=$((i + 1))
    # shellcheck disable=SC2059
    { printf "\\$(printf '%03o' $((i % 32)))"; printf '%s' "$q"; } |
        put units "q$i"
done

cp "$top/tests/data/weather-hot.csv" "$out/weather/weather-hot.csv"
awk 'BEGIN { print "t_s,T_db_degC,T_wb_degC";
    for (h = 0; h <= 24; h++) printf "%d,%.2f,%.2f\n", h * 3600,
        25 + 8 * sin(3.14159 * (h - 6) / 12), 18 + 3 * sin(3.14159 * (h - 6) / 12) }' |
    put weather day.csv
for f in "$top"/weather/*.epw; do
    [ -f "$f" ] && put weather "$(basename "$f")" <"$f"
done
head -n 50 "$top/weather/723170TYA.CSV" | put weather tmy3-head.csv

printf 't_s,u\n0,0.3\n30,0.3\n31,1\n60,1\n' | put trace step.csv
printf 't_s,P_W\n0,120000\n100,120000\n' | put trace const.csv
printf '@@ timeseries.csv\nt_s,A01.T_j_degC\n0,60\n1,61\n@@ margins.csv\nid,component,quantity,unit,kind,limit,worst,margin\n' |
    put rundir minimal
if [ -n "${DCTWIN:-}" ] && [ -x "$DCTWIN" ]; then
    export DCTWIN_MODELS_PATH="$top/models"
    for p in llm-training sync-training training-3hz job-start; do
        "$DCTWIN" profile export "$p" --duration 8s --step 50ms 2>/dev/null |
            put trace "$p-u.csv" || true
    done
    "$DCTWIN" profile export llm-training --model gb200-nvl72 --duration 8s \
        --step 100ms 2>/dev/null |
        awk -F, 'NR == 1 { print "t_s,P_W"; next } { printf "%s,%.1f\n", $1, $3 * 1000 }' |
        put trace llm-training-P.csv || true
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/dctwin-seeds.XXXXXX")
    for s in sites/gb200-row tests/data/bess-small tests/data/one-rack; do
        n=$(basename "$s")
        if "$DCTWIN" simulate "$top/$s.xml" --duration 6s \
            --output-step 2s -q --out "$tmp/$n" >/dev/null 2>&1; then
            for f in timeseries.csv margins.csv margins.txt margins.json \
                run.json grid.csv events.csv margins-over-time.csv; do
                [ -f "$tmp/$n/$f" ] || continue
                echo "@@ $f"
                cat "$tmp/$n/$f"
            done | put rundir "$n"
        fi
    done
    rm -rf "$tmp"
fi
